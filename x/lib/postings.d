x/lib/postings.o: src/postings.c src/postings.h src/bitpack.h src/dict.h \
  src/analyzer.h src/error.h src/file.h src/bytes.h

src/postings.h:

src/bitpack.h:

src/dict.h:

src/analyzer.h:

src/error.h:

src/file.h:

src/bytes.h:
