x/lib/invert.o: src/invert.c src/invert.h src/error.h src/bytes.h

src/invert.h:

src/error.h:

src/bytes.h:
