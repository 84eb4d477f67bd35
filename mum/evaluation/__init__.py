from .top_k_accuracy import TopKAccuracy

__all__ = ['TopKAccuracy']
