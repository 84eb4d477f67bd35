from .pseudo_label_quality import PseudoLabelCounts, match_pseudo_labels
from .top_k_accuracy import TopKAccuracy

__all__ = ['PseudoLabelCounts', 'TopKAccuracy', 'match_pseudo_labels']
