/*
 * lexicon.h - is this an English word?
 *
 * The spelling correction (suggest.h) must tell a misspelling ("maritme")
 * from a real word the corpus happens to lack ("sanctions"): only the
 * first may be replaced.  The corpus cannot tell them apart, so the
 * library carries an English word list: the words of Debian's wamerican
 * and wbritish packages (American and British spellings, inflected forms
 * included: "sanctions", "earths", "organisation"), folded exactly as the
 * analyzer folds a query word ("Bogotá" is stored as "bogota").
 *
 * The table is compiled into the library at build time (tools/mklexicon.c
 * writes $(BUILD)/gen/lexicon_data.c from /usr/share/dict), so it lives in
 * the program's read-only data: nothing is read, parsed or allocated when
 * a process starts, and a look-up is a binary search touching a few pages.
 *
 * Layout (about 76,000 words): the words in byte order, front-coded in
 * blocks of AJ_LEXICON_BLOCK.  A block's first word is stored whole and
 * ends with a NUL; each following word is one byte giving how many bytes
 * it shares with the word before it, then the rest of it and a NUL.
 * aj_lexicon_block_off[b] is the offset of block b in aj_lexicon_bytes
 * (and [nblocks] the end), so the look-up binary-searches the blocks'
 * first words and then decodes at most one block.  Offsets rather than
 * pointers keep the table free of load-time relocations.
 */
#ifndef AJ_LEXICON_H
#define AJ_LEXICON_H

#include <stddef.h>
#include <stdint.h>

#define AJ_LEXICON_BLOCK 16u

/* The generated table (tools/mklexicon.c). */
extern const uint32_t aj_lexicon_nwords;
extern const uint32_t aj_lexicon_nblocks;
extern const char aj_lexicon_bytes[];
extern const uint32_t aj_lexicon_block_off[];

/* 1 when the folded word w[0..len) (a token's word, see analyzer.h) is
 * an English word: in the table as it is, or, when it ends in "'s", without
 * that ending ("japan's").  0 otherwise, and for len 0 or a word longer
 * than AJ_MAX_WORD. */
int aj_lexicon_has(const char *w, size_t len);

/* Number of words in the table. */
uint32_t aj_lexicon_size(void);

#endif
