x/lib/search.o: src/search.c src/ajsearch.h src/analyzer.h src/error.h \
  src/eval.h src/index.h src/dict.h src/file.h src/store.h \
  src/postings.h src/bitpack.h src/query.h

src/ajsearch.h:

src/analyzer.h:

src/error.h:

src/eval.h:

src/index.h:

src/dict.h:

src/file.h:

src/store.h:

src/postings.h:

src/bitpack.h:

src/query.h:
