"""Helpers shared by the components and the tools."""
from .config_keys import check_component_keys, check_known_keys

__all__ = ['check_component_keys', 'check_known_keys']
