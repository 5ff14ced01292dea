"""Loading the library: the environment variable, a missing library, a
library of another version.  These import the package afresh in a child
Python."""

import os
import subprocess
import sys
import tempfile
import unittest

import ajsearch
from ajsearch import _capi

from . import support

# The directory the package under test was imported from, so that the
# child imports the same copy.
PACKAGE_ROOT = os.path.dirname(os.path.dirname(
    os.path.abspath(ajsearch.__file__)))


def child(code, lib):
    env = dict(os.environ, AJSEARCH_LIB=lib, PYTHONPATH=PACKAGE_ROOT)
    return subprocess.run([sys.executable, "-c", code], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=60)


class LoadingTest(unittest.TestCase):
    def test_library_from_environment(self):
        p = child("import ajsearch; print(ajsearch.library_path); "
                  "print(ajsearch.version())", _capi.lib_path)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        path, version = p.stdout.decode().split()
        self.assertEqual(path, _capi.lib_path)
        self.assertEqual(version, ajsearch.version())

    def test_missing_library(self):
        missing = "/nonexistent/libajsearch.so.2"
        p = child("import ajsearch", missing)
        self.assertNotEqual(p.returncode, 0)
        err = p.stderr.decode()
        self.assertIn("ImportError", err)
        self.assertIn("AJSEARCH_LIB=" + missing, err)
        self.assertIn("cannot load", err)

    def test_other_major_refused(self):
        cc = support.c_compiler()
        if not cc:
            self.skipTest("no C compiler to make a stand-in library with")
        with tempfile.TemporaryDirectory(prefix="ajsearch-py-") as tmp:
            src = os.path.join(tmp, "fake.c")
            so = os.path.join(tmp, "libfake.so")
            with open(src, "w") as f:
                f.write("unsigned aj_version_number(void) { return %d; }\n"
                        % ((_capi.MAJOR + 1) * 10000 + 3))
            subprocess.run([cc, "-shared", "-fPIC", "-o", so, src], check=True)
            p = child("import ajsearch", so)
        self.assertNotEqual(p.returncode, 0)
        err = p.stderr.decode()
        self.assertIn("ImportError", err)
        self.assertIn("version %d.0.3" % (_capi.MAJOR + 1), err)
        self.assertIn("written for %d.%d" % (_capi.MAJOR, _capi.MINOR), err)

    def test_versions(self):
        n = _capi.lib.aj_version_number()
        self.assertEqual(ajsearch.version(),
                         "%d.%d.%d" % (n // 10000, n // 100 % 100, n % 100))
        self.assertIsInstance(ajsearch.format_version(), int)
        self.assertGreater(ajsearch.format_version(), 0)
        if support.cli():
            out = support.run_cli("--version")
            self.assertIn("ajsearch %s (index format %d)"
                          % (ajsearch.version(), ajsearch.format_version()),
                          out)


if __name__ == "__main__":
    unittest.main()
