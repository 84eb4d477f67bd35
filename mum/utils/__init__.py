"""Helpers shared by the components and the tools."""
from .command_line import (add_runner_arguments, error_sentence, errors_in_one_sentence,
                           load_config, parse_runner_args, persistent_workers_need_workers)
from .config_keys import check_component_keys, check_known_keys
from .format_config_once import format_config_once

__all__ = [
    'add_runner_arguments', 'check_component_keys', 'check_known_keys', 'error_sentence',
    'errors_in_one_sentence', 'format_config_once', 'load_config', 'parse_runner_args',
    'persistent_workers_need_workers'
]
