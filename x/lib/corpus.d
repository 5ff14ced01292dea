x/lib/corpus.o: src/corpus.c src/corpus.h src/ajsearch.h src/analyzer.h \
  src/error.h

src/corpus.h:

src/ajsearch.h:

src/analyzer.h:

src/error.h:
