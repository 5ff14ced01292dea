x/lib/fold.o: src/fold.c src/fold.h

src/fold.h:
