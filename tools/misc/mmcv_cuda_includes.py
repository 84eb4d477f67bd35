"""Include folders that mmcv 2.1.0's CUDA sources need beyond those torch passes to the compiler.

    python tools/misc/mmcv_cuda_includes.py SHIM_DIR    # prints them, ':'-separated (for CPATH)

* torch's ATen/cuda/CUDAContextLight.h includes the cuSPARSE, cuBLAS and cuSOLVER headers. A CUDA
  toolkit assembled from pip packages (as on the GPU machines) may lack them, while the pip
  packages that torch depends on keep them under site-packages/nvidia/.../include.
* mmcv 2.1.0's pytorch_cuda_helper.hpp includes THC/THCAtomics.cuh, which not every torch
  ships (torch 2.13's CPU wheel has none); torch's own version of it only includes
  ATen/cuda/Atomic.cuh, and SHIM_DIR gets that one line where torch lacks it.
"""
import glob
import os
import os.path as osp
import sys
import sysconfig
from typing import List, Optional

LIBRARY_HEADERS = ('cusparse.h', 'cublas_v2.h', 'cublasLt.h', 'cusolverDn.h')
THC_SHIM = '#pragma once\n#include <ATen/cuda/Atomic.cuh>\n'


def extra_include_folders(cuda_home: Optional[str], site_packages: str, torch_include: str,
                          shim_dir: str) -> List[str]:
    """The folders to add, in order; writes SHIM_DIR/THC/THCAtomics.cuh when torch lacks it.

    Args:
        cuda_home (str, optional): The CUDA toolkit torch builds with (CUDA_HOME).
        site_packages (str): Where pip's ``nvidia`` packages are installed.
        torch_include (str): torch's include folder.
        shim_dir (str): Folder for the THC/THCAtomics.cuh shim.

    Returns:
        list[str]: Folders holding the library headers the toolkit lacks, then ``shim_dir``
        if the shim was needed.
    """
    folders = []
    for header in LIBRARY_HEADERS:
        if cuda_home and osp.isfile(osp.join(cuda_home, 'include', header)):
            continue
        found = sorted(glob.glob(osp.join(site_packages, 'nvidia', '**', 'include', header),
                                 recursive=True))
        if found and osp.dirname(found[0]) not in folders:
            folders.append(osp.dirname(found[0]))
    if not osp.isfile(osp.join(torch_include, 'THC', 'THCAtomics.cuh')):
        os.makedirs(osp.join(shim_dir, 'THC'), exist_ok=True)
        with open(osp.join(shim_dir, 'THC', 'THCAtomics.cuh'), 'w') as f:
            f.write(THC_SHIM)
        folders.append(shim_dir)
    return folders


def main() -> None:
    import torch
    from torch.utils.cpp_extension import CUDA_HOME
    if len(sys.argv) != 2:
        raise SystemExit('usage: python tools/misc/mmcv_cuda_includes.py SHIM_DIR')
    torch_include = osp.join(osp.dirname(torch.__file__), 'include')
    print(':'.join(extra_include_folders(CUDA_HOME, sysconfig.get_paths()['purelib'],
                                         torch_include, osp.abspath(sys.argv[1]))))


if __name__ == '__main__':
    main()
