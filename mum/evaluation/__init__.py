from .pseudo_label_quality import PseudoLabelCounts, greedy_match, match_pseudo_labels
from .top_k_accuracy import TopKAccuracy

__all__ = ['PseudoLabelCounts', 'TopKAccuracy', 'greedy_match', 'match_pseudo_labels']
