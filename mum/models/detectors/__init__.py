from .mum_soft_teacher import MUMSoftTeacher
from .mum_teacher import MUMTeacher

__all__ = ['MUMSoftTeacher', 'MUMTeacher']
