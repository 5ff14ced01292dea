"""The ctypes mirrors against the C header: a C program compiled now prints
the size of every mirrored struct and the offset and size of each of its
mirrored fields, and the enum values the package relies on."""

import ctypes
import os
import subprocess
import tempfile
import unittest

import ajsearch
from ajsearch import _capi

from . import support

# Enum values and macros the package has its own copies of.
CONSTANTS = dict(
    {name: i for i, name in enumerate(_capi.ERROR_NAMES)},
    AJ_WARN_NKINDS=_capi.AJ_WARN_NKINDS,
    AJ_RANK_FULL=_capi.AJ_RANK_FULL,
    AJ_RANK_BM25=_capi.AJ_RANK_BM25,
    AJ_CORRECT_AUTO=_capi.AJ_CORRECT_AUTO,
    AJ_CORRECT_PROPOSE=_capi.AJ_CORRECT_PROPOSE,
    AJ_CORRECT_OFF=_capi.AJ_CORRECT_OFF,
    AJ_NO_PARA=_capi.AJ_NO_PARA,
)


def c_program():
    lines = ["#include <stddef.h>", "#include <stdio.h>",
             '#include "ajsearch.h"', "int main(void) {"]
    for name, cls in sorted(_capi.STRUCTS.items()):
        lines.append('    printf("S %s %%zu\\n", sizeof(%s));' % (name, name))
        for field, _type in cls._fields_:
            lines.append('    printf("F %s.%s %%zu %%zu\\n", offsetof(%s, %s), '
                         'sizeof(((%s *)0)->%s));'
                         % (name, field, name, field, name, field))
    for name in CONSTANTS:
        lines.append('    printf("C %s %%llu\\n", (unsigned long long)%s);'
                     % (name, name))
    for name in ("AJ_VERSION_MAJOR", "AJ_VERSION_MINOR", "AJ_VERSION_NUMBER"):
        lines.append('    printf("V %s %%d\\n", (int)%s);' % (name, name))
    for enum in ("aj_err", "aj_rank_mode", "aj_correct_mode", "sig_atomic_t"):
        lines.append('    printf("E %s %%zu\\n", sizeof(%s));' % (enum, enum))
    lines += ["    return 0;", "}"]
    return "\n".join(lines) + "\n"


class LayoutTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cc = support.c_compiler()
        if not cc:
            raise unittest.SkipTest("no C compiler (cc, or $CC) to read the "
                                    "header's layout with")
        include = support.include_dir()
        if not os.path.isfile(os.path.join(include, "ajsearch.h")):
            raise AssertionError("ajsearch.h is not in %s: set "
                                 "AJSEARCH_INCLUDE" % include)
        with tempfile.TemporaryDirectory(prefix="ajsearch-py-") as tmp:
            src = os.path.join(tmp, "layout.c")
            exe = os.path.join(tmp, "layout")
            with open(src, "w") as f:
                f.write(c_program())
            p = subprocess.run([cc, "-std=c11", "-I", include, "-o", exe, src],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            if p.returncode:
                raise AssertionError("the layout program does not compile "
                                     "(a mirrored field that the header "
                                     "lacks?):\n" + p.stdout.decode())
            out = subprocess.run([exe], check=True, stdout=subprocess.PIPE)
        cls.c = {}
        for line in out.stdout.decode().splitlines():
            kind, name, *values = line.split()
            cls.c[kind, name] = tuple(int(v) for v in values)

    def test_struct_sizes(self):
        for name, cls in _capi.STRUCTS.items():
            with self.subTest(struct=name):
                self.assertEqual(ctypes.sizeof(cls), self.c["S", name][0])

    def test_field_offsets_and_sizes(self):
        for name, cls in _capi.STRUCTS.items():
            for field, _type in cls._fields_:
                with self.subTest(field="%s.%s" % (name, field)):
                    desc = getattr(cls, field)
                    self.assertEqual((desc.offset, desc.size),
                                     self.c["F", "%s.%s" % (name, field)])

    def test_constants(self):
        for name, value in CONSTANTS.items():
            with self.subTest(constant=name):
                self.assertEqual(value, self.c["C", name][0])
        for enum in ("aj_err", "aj_rank_mode", "aj_correct_mode"):
            self.assertEqual(self.c["E", enum][0], ctypes.sizeof(_capi.c_enum))
        self.assertEqual(self.c["E", "sig_atomic_t"][0],
                         ctypes.sizeof(_capi.c_sig_atomic))

    def test_header_matches_library(self):
        # The header describes the library under test, of the MAJOR the
        # package was written for.
        self.assertEqual(self.c["V", "AJ_VERSION_NUMBER"][0],
                         _capi.lib.aj_version_number())
        major = self.c["V", "AJ_VERSION_MAJOR"][0]
        minor = self.c["V", "AJ_VERSION_MINOR"][0]
        self.assertEqual(major, _capi.MAJOR)
        self.assertGreaterEqual(minor, _capi.MINOR)
        self.assertTrue(ajsearch.version().startswith("%d.%d." % (major,
                                                                  minor)))


if __name__ == "__main__":
    unittest.main()
