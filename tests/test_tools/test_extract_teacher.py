"""tools/model_converters/extract_teacher.py: a semi checkpoint becomes a plain mmdet detector."""
import os.path as osp

import pytest
import torch
from analysis_helpers import run_tool, semi_checkpoint, tiny_mum_config, val_images
from mmdet.apis import inference_detector, init_detector
from mmengine.config import Config

TOOL = 'model_converters/extract_teacher.py'


@pytest.mark.slow
def test_extracted_teacher_loads_in_mmdet_inference_api(demo_workspace, tmp_path, capsys):
    config = tiny_mum_config(demo_workspace, str(tmp_path))
    semi = semi_checkpoint(config, str(tmp_path / 'semi.pth'))
    out = tmp_path / 'plain' / 'teacher.pth'

    run_tool(TOOL, semi, out)

    plain = torch.load(out, map_location='cpu', weights_only=True)
    semi_state = torch.load(semi, map_location='cpu', weights_only=True)['state_dict']
    teacher = {k[len('teacher.'):]: v for k, v in semi_state.items() if k.startswith('teacher.')}
    assert plain['state_dict'].keys() == teacher.keys()
    assert all(torch.equal(plain['state_dict'][k], v) for k, v in teacher.items())
    assert plain['meta']['dataset_meta']['classes'][0] == 'circle' and 'cfg' not in plain['meta']

    # mmdet's own API, with the plain detector built from the demo config by hand ...
    cfg = Config.fromfile(config)
    cfg.model = cfg.model.detector
    cfg.model.neck = cfg.model.neck.neck
    image = val_images(demo_workspace)[0]
    for model in (init_detector(cfg, str(out), device='cpu'),
                  # ... and with the config the tool wrote next to OUT
                  init_detector(str(out.with_suffix('.py')), str(out), device='cpu')):
        assert torch.equal(model.backbone._conv_stem.weight, teacher['backbone._conv_stem.weight'])
        result = inference_detector(model, image)
        assert result.pred_instances.bboxes.shape[-1] == 4
        assert model.dataset_meta['classes'][0] == 'circle'
    assert 'UnmixNeck' not in Config.fromfile(str(out.with_suffix('.py'))).model.neck.type

    run_tool(TOOL, semi, tmp_path / 'student.pth', '--student', '--no-config')
    student = torch.load(tmp_path / 'student.pth', weights_only=True)['state_dict']
    assert torch.equal(student['backbone._conv_stem.weight'],
                       semi_state['student.backbone._conv_stem.weight'])
    assert not osp.exists(tmp_path / 'student.py')

    capsys.readouterr()
    with pytest.raises(SystemExit) as error:  # not a teacher-student checkpoint
        run_tool(TOOL, out, tmp_path / 'again.pth')
    assert error.value.code == 2
    assert 'it is not a teacher-student checkpoint' in capsys.readouterr().err
