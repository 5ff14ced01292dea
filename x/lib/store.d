x/lib/store.o: src/store.c src/store.h src/error.h src/file.h src/bytes.h

src/store.h:

src/error.h:

src/file.h:

src/bytes.h:
