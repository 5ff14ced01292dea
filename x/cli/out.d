x/cli/out.o: src/cli/out.c src/cli/out.h

src/cli/out.h:
