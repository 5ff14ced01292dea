x/lib/build.o: src/build.c src/ajsearch.h src/analyzer.h src/error.h \
  src/bytes.h src/corpus.h src/dict.h src/file.h src/gen.h src/index.h \
  src/store.h src/invert.h src/postings.h src/bitpack.h src/segment.h

src/ajsearch.h:

src/analyzer.h:

src/error.h:

src/bytes.h:

src/corpus.h:

src/dict.h:

src/file.h:

src/gen.h:

src/index.h:

src/store.h:

src/invert.h:

src/postings.h:

src/bitpack.h:

src/segment.h:
