x/lib/check.o: src/check.c src/ajsearch.h src/analyzer.h src/error.h \
  src/bytes.h src/index.h src/dict.h src/file.h src/store.h \
  src/postings.h src/bitpack.h

src/ajsearch.h:

src/analyzer.h:

src/error.h:

src/bytes.h:

src/index.h:

src/dict.h:

src/file.h:

src/store.h:

src/postings.h:

src/bitpack.h:
