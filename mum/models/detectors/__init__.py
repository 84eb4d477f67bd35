from .mum_teacher import MUMTeacher

__all__ = ['MUMTeacher']
