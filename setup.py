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


def _connector_c_flags():
    """(include dirs, library dirs, libraries) of MariaDB Connector/C, or None when not found."""
    import shlex
    import subprocess
    for command in (["pkg-config", "--cflags", "--libs", "libmariadb"], ["mariadb_config", "--cflags", "--libs"]):
        try:
            out = subprocess.run(command, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.SubprocessError):
            continue
        if out.returncode != 0:
            continue
        words = shlex.split(out.stdout)
        found = ([w[2:] for w in words if w.startswith("-I")], [w[2:] for w in words if w.startswith("-L")],
                 [w[2:] for w in words if w.startswith("-l")])
        if found[2]:
            return found
    return None


def _infile_extension():
    """The in-memory LOCAL INFILE handler for mysqlclient sessions (src/infile/infile.c): built
    only when Connector/C is found, and optional, so a failed build leaves pip install working
    (mysqlclient sessions then send large inserts as INSERT statements)."""
    flags = _connector_c_flags()
    if flags is None:
        return []
    include_dirs, library_dirs, libraries = flags
    return [Extension("datajoint_interop.core._infile", sources=["src/infile/infile.c"],
                      include_dirs=include_dirs, library_dirs=library_dirs, libraries=libraries,
                      extra_compile_args=["-O2", "-std=c99"] if os.name != "nt" else [], optional=True)]


setup(ext_modules=_extensions() + _infile_extension())
