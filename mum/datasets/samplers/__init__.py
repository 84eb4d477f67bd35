from .fallback_group_multi_source_sampler import FallbackGroupMultiSourceSampler

__all__ = ['FallbackGroupMultiSourceSampler']
