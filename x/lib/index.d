x/lib/index.o: src/index.c src/index.h src/ajsearch.h src/analyzer.h \
  src/error.h src/dict.h src/file.h src/store.h src/bytes.h \
  src/postings.h src/bitpack.h

src/index.h:

src/ajsearch.h:

src/analyzer.h:

src/error.h:

src/dict.h:

src/file.h:

src/store.h:

src/bytes.h:

src/postings.h:

src/bitpack.h:
