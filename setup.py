"""Build script: compiles the plain-C mYm codec (src/codec/*.c) into the Cython extension.

The codec sources are shared byte-for-byte with the MATLAB MEX connector, so they are
compiled from their own folder rather than copied into the package.
"""
import glob
import os
import sys

from setuptools import setup, Extension

HERE = os.path.dirname(os.path.abspath(__file__))


def _require_compiler():
    import shutil
    cc = os.environ.get("CC", "cc")
    if not (shutil.which(cc.split()[0]) or shutil.which("gcc") or shutil.which("clang")):
        sys.exit(
            "datajoint-interop: no C compiler found. The blob codec is written in C and must be "
            "compiled. Install one, e.g. `sudo apt-get install build-essential` (Debian/Ubuntu) "
            "or Xcode command-line tools (macOS), then retry."
        )


def _extensions():
    _require_compiler()
    try:
        from Cython.Build import cythonize
    except ImportError:
        sys.exit("datajoint-interop: Cython>=3 is required to build (pip install cython).")
    import numpy

    codec_sources = sorted(
        os.path.relpath(p, HERE) for p in glob.glob(os.path.join(HERE, "src", "codec", "*.c"))
        if not os.path.basename(p).startswith("fuzz_")
    )
    ext = Extension(
        "datajoint_interop._blob",
        sources=["datajoint_interop/_blob.pyx"] + codec_sources,
        include_dirs=["src/codec", numpy.get_include()],
        libraries=["z"],
        extra_compile_args=["-O2", "-std=c99"] if os.name != "nt" else [],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
    )
    return cythonize([ext], language_level=3, compiler_directives={"boundscheck": False})


setup(ext_modules=_extensions())
