x/lib/stem.o: src/stem.c src/stem.h src/error.h

src/stem.h:

src/error.h:
