x/cli/main.o: src/cli/main.c src/cli/../ajsearch.h src/cli/../analyzer.h \
  src/cli/../error.h src/cli/../segment.h src/cli/out.h

src/cli/../ajsearch.h:

src/cli/../analyzer.h:

src/cli/../error.h:

src/cli/../segment.h:

src/cli/out.h:
