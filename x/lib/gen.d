x/lib/gen.o: src/gen.c src/gen.h src/error.h src/index.h src/ajsearch.h \
  src/analyzer.h src/dict.h src/file.h src/store.h

src/gen.h:

src/error.h:

src/index.h:

src/ajsearch.h:

src/analyzer.h:

src/dict.h:

src/file.h:

src/store.h:
