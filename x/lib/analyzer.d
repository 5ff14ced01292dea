x/lib/analyzer.o: src/analyzer.c src/analyzer.h src/error.h src/fold.h \
  src/stem.h src/utf8.h

src/analyzer.h:

src/error.h:

src/fold.h:

src/stem.h:

src/utf8.h:
