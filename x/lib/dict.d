x/lib/dict.o: src/dict.c src/dict.h src/analyzer.h src/error.h src/file.h \
  src/bytes.h

src/dict.h:

src/analyzer.h:

src/error.h:

src/file.h:

src/bytes.h:
