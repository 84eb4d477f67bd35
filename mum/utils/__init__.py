"""Helpers shared by the components and the tools."""
from .config_keys import check_component_keys, check_known_keys
from .format_config_once import format_config_once

__all__ = ['check_component_keys', 'check_known_keys', 'format_config_once']
