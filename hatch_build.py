"""Build hook: compile the detection hot path with mypyc (optional; pure Python when it cannot).

The modules listed in ``COMPILED`` are ordinary, type-annotated Python. mypyc (the mypy project's
compiler) turns them into C extensions with the same behaviour, which run stage 2 of detection about
1.4x faster than the interpreter (benchmarks/bench_logs.py). The ``.py`` files stay the reference and
the fallback: without a C compiler, or with ``PISCAN_PURE_PYTHON=1`` set at install time, the package
installs and runs as pure Python, and ``tests/detection/test_compiled.py`` checks that both give the
same findings. Which modules are compiled is listed in ``src/piscan/native.py``.

Editable installs (``pip install -e .``) build the extensions in place next to the sources; the SHA-256
of each compiled source goes into ``piscan/detection/compiled-sources.json``, so that after an edit
:func:`piscan.native.guard` runs the sources instead of stale extensions. Wheels carry the extensions as
platform-specific files.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

GROUP = "piscan.detection._compiled"  # the shared runtime library: piscan/detection/_compiled__mypyc.*.so


def _native(root: Path) -> Any:
    """``src/piscan/native.py`` (the list of compiled modules), loaded by path: piscan is not installed yet."""
    spec = importlib.util.spec_from_file_location("_piscan_native", root / "src" / "piscan" / "native.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _say(msg: str) -> None:
    print(f"piscan build: {msg}", file=sys.stderr)


def _byte_compile(package: Path) -> None:
    """Write ``__pycache__`` for an editable install, as pip does for a regular one: without it every run
    compiles ~150 modules from source (0.25 s of start-up here, more where ``PYTHONDONTWRITEBYTECODE`` is
    set, which stops Python from caching them itself). Best effort: a read-only tree just starts slower."""
    import compileall

    try:
        compileall.compile_dir(str(package), quiet=2, workers=0)
    except OSError as exc:
        _say(f"byte-compiling skipped ({exc})")


class CompileHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        root = Path(self.root)
        native = _native(root)
        if version == "editable":  # start clean: a failed compile must not leave old extensions behind
            for old in (root / "src" / "piscan").rglob("*.so"):
                old.unlink()
            (root / "src" / "piscan" / "detection" / native.MANIFEST).unlink(missing_ok=True)
        if version == "editable":
            _byte_compile(root / "src" / "piscan")
        if os.environ.get("PISCAN_PURE_PYTHON"):
            _say("PISCAN_PURE_PYTHON is set: pure-Python install")
            return
        try:
            built = self._compile(root, native)
        except (Exception, SystemExit) as exc:  # no compiler, no mypyc, a type error (mypyc exits): pure Python
            _say(f"mypyc compilation skipped ({exc.__class__.__name__}: {exc}); installing pure Python")
            return
        manifest = f"piscan/detection/{native.MANIFEST}"
        (self._tmp / manifest).write_text(json.dumps(self._digests, indent=1, sort_keys=True), encoding="utf-8")
        if version == "editable":
            for rel in [*built, manifest]:  # next to the sources, which the editable install imports from
                shutil.copy2(self._tmp / rel, root / "src" / rel)
            _say(f"compiled {len(built)} extension modules in place under src/")
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        for rel in [*built, manifest]:
            build_data["force_include"][str(self._tmp / rel)] = rel
        _say(f"compiled {len(built)} extension modules into the wheel")

    def _compile(self, root: Path, native: Any) -> list[str]:
        from mypyc.build import mypycify
        from setuptools import Distribution

        paths = [str(Path("src", *m.split(".")).with_suffix(".py")) for m in native.COMPILED]
        self._digests = native.source_digests()  # what piscan.native.guard() compares at run time
        self._tmp = Path(tempfile.mkdtemp(prefix="piscan-mypyc-"))
        cwd = os.getcwd()
        os.chdir(root)
        try:
            # only the compiled modules must type-check; modules they import are read for their types
            exts = mypycify(["--ignore-missing-imports", "--follow-imports=silent", *paths], opt_level="3",
                            group_name=GROUP,
                            target_dir=str(self._tmp / "c"))
            dist = Distribution({"name": "piscan", "ext_modules": exts, "package_dir": {"": "src"}})
            cmd = dist.get_command_obj("build_ext")
            cmd.build_lib = str(self._tmp / "lib")
            cmd.build_temp = str(self._tmp / "obj")
            cmd.inplace = False
            cmd.ensure_finalized()
            cmd.run()
            outputs = cmd.get_outputs()
        finally:
            os.chdir(cwd)
        lib = self._tmp / "lib"
        built = [str(Path(p).resolve().relative_to(lib.resolve())) for p in outputs]
        for rel in built:
            (self._tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(lib / rel, self._tmp / rel)
        return built
