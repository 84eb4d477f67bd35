from .mum_soft_teacher import MUMSoftTeacher
from .mum_teacher import MUMTeacher
from .unmixing_detector import UnmixingDetector

__all__ = ['MUMSoftTeacher', 'MUMTeacher', 'UnmixingDetector']
