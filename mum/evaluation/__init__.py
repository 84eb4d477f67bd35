from .pseudo_label_quality import PseudoLabelCounts, greedy_match, match_pseudo_labels
from .recall_by_kind import Found, RecallByKind, object_kinds, recall_by_kind
from .top_k_accuracy import TopKAccuracy

__all__ = [
    'Found', 'PseudoLabelCounts', 'RecallByKind', 'TopKAccuracy', 'greedy_match',
    'match_pseudo_labels', 'object_kinds', 'recall_by_kind'
]
