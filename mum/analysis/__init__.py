"""Library code of the analysis tools (tools/analysis_tools, tools/model_converters).

Not imported by ``import mum``: the training path does not need it.
"""
from .checkpoint import (CheckpointError, build_detector, config_from_checkpoint,
                         detector_state_dict, is_semi_state_dict, load_checkpoint_file,
                         plain_checkpoint, plain_detector_config, unwrap_unmix_necks)
from .logs import LogError, merge_start_scalars, read_run_scalars, read_scalars, run_scalars_files
from .mean_std import mean_std
from .recall_by_kind import RecallByKind, RecallCount, object_kinds, recall_by_kind
from .tile_statistics import (SIZE_BUCKETS, TileSpanStatistics, pipeline_geometry,
                              suggest_num_tiles, tile_grid, tile_pixel_edges, tiles_spanned)

__all__ = [
    'CheckpointError', 'build_detector', 'config_from_checkpoint', 'detector_state_dict',
    'is_semi_state_dict', 'load_checkpoint_file',
    'plain_checkpoint', 'plain_detector_config', 'unwrap_unmix_necks', 'LogError',
    'merge_start_scalars', 'read_run_scalars', 'read_scalars', 'run_scalars_files', 'mean_std',
    'RecallByKind', 'RecallCount', 'object_kinds', 'recall_by_kind',
    'SIZE_BUCKETS', 'TileSpanStatistics', 'pipeline_geometry', 'suggest_num_tiles', 'tile_grid',
    'tile_pixel_edges', 'tiles_spanned'
]
