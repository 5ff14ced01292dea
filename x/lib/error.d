x/lib/error.o: src/error.c src/error.h

src/error.h:
