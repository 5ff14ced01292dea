x/lib/segment.o: src/segment.c src/segment.h src/error.h

src/segment.h:

src/error.h:
