x/lib/snippet.o: src/snippet.c src/ajsearch.h src/analyzer.h src/error.h

src/ajsearch.h:

src/analyzer.h:

src/error.h:
