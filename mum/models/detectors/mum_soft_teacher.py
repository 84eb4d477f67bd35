"""mmdet's SoftTeacher with MUM: the glue that unmixes the student's features of a mixed batch."""
from typing import Optional

from mmdet.models.detectors import SoftTeacher
from mmdet.registry import MODELS
from mmdet.structures import SampleList
from mmdet.utils import ConfigType, OptConfigType, OptMultiConfig
from torch import Tensor

from mum.models.necks.unmix_neck import unmixing_if_mixed
from mum.utils.config_keys import check_known_keys

from .semi_train_cfg_keys import SOFT_TEACHER_KEYS


@MODELS.register_module()
class MUMSoftTeacher(SoftTeacher):
    """SoftTeacher whose student unmixes its neck outputs when the batch was mixed by MUM.

    SoftTeacher computes its pseudo-label losses from ``self.student.extract_feat`` directly, so
    the unmix neck is armed around the whole of :meth:`SoftTeacher.loss_by_pseudo_instances`
    (and around the supervised loss, in case ``mix_branches`` names the labeled branch too).
    Everything else, losses included, is SoftTeacher's. Use it with
    ``data_preprocessor=dict(type='MUMDataPreprocessor', ...)`` and the detector's neck wrapped
    as ``dict(type='UnmixNeck', neck=...)``; without a mixed batch it is SoftTeacher exactly.
    """

    def __init__(self,
                 detector: ConfigType,
                 semi_train_cfg: OptConfigType = None,
                 semi_test_cfg: OptConfigType = None,
                 data_preprocessor: OptConfigType = None,
                 init_cfg: OptMultiConfig = None) -> None:
        """SoftTeacher's constructor, refusing a ``semi_train_cfg`` key SoftTeacher never reads."""
        check_known_keys(semi_train_cfg or {}, SOFT_TEACHER_KEYS, 'model.semi_train_cfg',
                         'MUMSoftTeacher')
        super().__init__(detector=detector, semi_train_cfg=semi_train_cfg,
                         semi_test_cfg=semi_test_cfg, data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)

    def loss_by_gt_instances(self, batch_inputs: Tensor,
                             batch_data_samples: SampleList) -> dict:
        """SoftTeacher's supervised loss, unmixing first if this batch was mixed."""
        with unmixing_if_mixed(self.student, batch_data_samples):
            return super().loss_by_gt_instances(batch_inputs, batch_data_samples)

    def loss_by_pseudo_instances(self,
                                 batch_inputs: Tensor,
                                 batch_data_samples: SampleList,
                                 batch_info: Optional[dict] = None) -> dict:
        """SoftTeacher's pseudo-label losses, on unmixed student features for a mixed batch.

        Args:
            batch_inputs (Tensor): (B, C, H, W) student images, possibly mixed.
            batch_data_samples (list[DetDataSample]): Samples holding the pseudo-instances;
                ``mum_tile_source`` in their metainfo marks a mixed batch.
            batch_info (dict, optional): The teacher's features and metainfo.

        Returns:
            dict: SoftTeacher's ``unsup_`` loss terms.
        """
        with unmixing_if_mixed(self.student, batch_data_samples):
            return super().loss_by_pseudo_instances(batch_inputs, batch_data_samples,
                                                    batch_info)
