x/lib/file.o: src/file.c src/file.h src/error.h src/bytes.h

src/file.h:

src/error.h:

src/bytes.h:
