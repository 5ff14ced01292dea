x/lib/bitpack.o: src/bitpack.c src/bitpack.h

src/bitpack.h:
