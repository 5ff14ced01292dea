x/lib/query.o: src/query.c src/query.h src/analyzer.h src/error.h \
  src/ajsearch.h

src/query.h:

src/analyzer.h:

src/error.h:

src/ajsearch.h:
