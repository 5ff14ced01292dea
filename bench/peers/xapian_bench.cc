/*
 * xapian_bench - the Xapian peer of the ajsearch benchmark.
 *
 *   xapian_bench build DBPATH PARAS_FILE
 *   xapian_bench query DBPATH QUERIES_FILE K [REPEAT [MODE]]
 *
 * PARAS_FILE has lines "ID<TAB>TEXT"; QUERIES_FILE has lines
 * "CLASS<TAB>OP<TAB>WORDS" (see bench/peers/README.md).
 *
 * Engine configuration (fixed by the benchmark spec):
 *   - WritableDatabase(DBPATH, DB_CREATE) (the default glass backend);
 *     XAPIAN_FLUSH_THRESHOLD is set to 100000 documents before the database
 *     is opened (unless already set in the environment); one commit at the
 *     end;
 *   - TermGenerator with Stem("english") and its default strategy STEM_SOME:
 *     every word is indexed unstemmed with positions, and words that start
 *     with a letter also as "Z"+stem without positions;
 *   - docid = paragraph id + 1 (replace_document), reported id = docid - 1;
 *     the paragraph's text is the document data (what a search front end
 *     shows and what MSet::snippet works on);
 *   - queries are Xapian::Query objects built here, not QueryParser:
 *     words are "Z"+stem terms (a word that starts with a digit has no Z
 *     term, so its plain term is used, as QueryParser would), OP_AND, OP_OR,
 *     OP_AND_NOT; phrases are OP_PHRASE over the unstemmed terms with window
 *     = number of words; prefixes are OP_WILDCARD on the unstemmed prefix;
 *   - BM25Weight(k1 1.2, k2 0, k3 1, b 0.75, min_normlen 0.5);
 *   - the exact number of matches comes from a separate, untimed
 *     get_mset(0, 0, doccount) (MODE ids only; "hits" is -1 in MODE
 *     snippets);
 *   - MODE "ids" (the default) times the top K ids and weights; MODE
 *     "snippets" also times, for each hit, reading the document data and
 *     MSet::snippet over it, and writing id, weight, snippet and text into
 *     an output buffer (the work of a search page; see README.md).
 *
 * Errors: a message on stderr and exit status 2.
 */
#include <xapian.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <exception>
#include <fstream>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace {

double mono_seconds() {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

// Thrown for input and usage errors; main() prints it and exits 2.
struct bench_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::string where(const char *path, long long lineno) {
    return std::string(path) + ":" + std::to_string(lineno) + ": ";
}

// ------------------------------------------------------------------ build

int do_build(const char *dbpath, const char *paras_path) {
    struct stat st;
    if (stat(dbpath, &st) == 0)
        throw bench_error(std::string(dbpath) + " already exists (build needs a new path)");
    std::ifstream in(paras_path);
    if (!in) throw bench_error(std::string("cannot open ") + paras_path);

    // Keep every document in memory until the final commit (Xapian's
    // default would flush every 10000 documents).
    setenv("XAPIAN_FLUSH_THRESHOLD", "100000", 0);

    double t0 = mono_seconds();
    Xapian::WritableDatabase db(dbpath, Xapian::DB_CREATE);
    Xapian::TermGenerator gen;
    gen.set_stemmer(Xapian::Stem("english"));  // strategy left at STEM_SOME

    std::string line;
    long long lineno = 0, paragraphs = 0, bytes_in = 0;
    while (std::getline(in, line)) {
        lineno++;
        if (line.empty()) continue;  // tolerate a blank line
        size_t tab = line.find('\t');
        if (tab == std::string::npos || tab == 0)
            throw bench_error(where(paras_path, lineno) + "expected ID<TAB>TEXT");
        std::string idstr = line.substr(0, tab);
        char *end;
        errno = 0;
        unsigned long long id = std::strtoull(idstr.c_str(), &end, 10);
        if (errno || *end || idstr[0] == '-' || id >= 0xffffffffULL)
            throw bench_error(where(paras_path, lineno) + "bad paragraph id '" + idstr + "'");

        Xapian::Document doc;
        gen.set_document(doc);
        gen.index_text(line.data() + tab + 1, line.size() - tab - 1);
        doc.set_data(line.substr(tab + 1));
        db.replace_document(static_cast<Xapian::docid>(id + 1), doc);
        paragraphs++;
        bytes_in += (long long)(line.size() - tab - 1);
    }
    if (in.bad()) throw bench_error(std::string("error reading ") + paras_path);
    db.commit();
    db.close();
    double seconds = mono_seconds() - t0;

    std::printf("{\"engine\":\"xapian\",\"seconds\":%.6f,\"paragraphs\":%lld,"
                "\"bytes_in\":%lld}\n",
                seconds, paragraphs, bytes_in);
    return 0;
}

// ---------------------------------------------------------------- queries

struct query_spec {
    std::string cls;  // JSON-escaped
    std::string op;
    std::vector<std::string> words;
};

std::string json_escape(const std::string &s) {
    std::string out;
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += (char)c;
        } else if (c < 0x20) {
            char tmp[8];
            std::snprintf(tmp, sizeof tmp, "\\u%04x", c);
            out += tmp;
        } else {
            out += (char)c;
        }
    }
    return out;
}

bool known_op(const std::string &op, size_t n, const char **why) {
    if (n == 0) return *why = "no words", false;
    if (op == "term") return n == 1 || (*why = "'term' takes one word", false);
    if (op == "not") return n == 2 || (*why = "'not' takes two words", false);
    if (op == "and" || op == "or" || op == "long" || op == "phrase" || op == "prefix")
        return true;
    *why = "unknown OP (term, and, or, phrase, not, prefix, long)";
    return false;
}

std::vector<query_spec> load_queries(const char *path) {
    std::ifstream in(path);
    if (!in) throw bench_error(std::string("cannot open ") + path);
    std::vector<query_spec> qs;
    std::string line;
    long long lineno = 0;
    while (std::getline(in, line)) {
        lineno++;
        if (line.empty()) continue;
        size_t t1 = line.find('\t');
        size_t t2 = t1 == std::string::npos ? t1 : line.find('\t', t1 + 1);
        if (t2 == std::string::npos)
            throw bench_error(where(path, lineno) + "expected CLASS<TAB>OP<TAB>WORDS");
        query_spec q;
        q.cls = json_escape(line.substr(0, t1));
        q.op = line.substr(t1 + 1, t2 - t1 - 1);
        size_t p = t2 + 1;
        while (p < line.size()) {
            size_t e = line.find(' ', p);
            if (e == std::string::npos) e = line.size();
            if (e > p) q.words.push_back(line.substr(p, e - p));
            p = e + 1;
        }
        const char *why = nullptr;
        if (!known_op(q.op, q.words.size(), &why))
            throw bench_error(where(path, lineno) + "op '" + q.op + "': " + why);
        qs.push_back(std::move(q));
    }
    if (in.bad()) throw bench_error(std::string("error reading ") + path);
    return qs;
}

// The term TermGenerator (STEM_SOME) indexes for a word without positions:
// "Z"+stem for words starting with a letter; words starting with anything
// else (digits) are only indexed unstemmed.
Xapian::Query word_query(const std::string &w, const Xapian::Stem &stem) {
    unsigned char c = (unsigned char)w[0];
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
    return letter ? Xapian::Query("Z" + stem(w)) : Xapian::Query(w);
}

Xapian::Query make_query(const query_spec &q, const Xapian::Stem &stem) {
    const auto &w = q.words;
    if (q.op == "phrase") {
        std::vector<Xapian::Query> raw(w.begin(), w.end());
        return Xapian::Query(Xapian::Query::OP_PHRASE, raw.begin(), raw.end(),
                             static_cast<Xapian::termcount>(raw.size()));
    }
    if (q.op == "prefix") {
        std::vector<Xapian::Query> parts;
        parts.emplace_back(Xapian::Query::OP_WILDCARD, w[0]);
        for (size_t i = 1; i < w.size(); i++) parts.push_back(word_query(w[i], stem));
        if (parts.size() == 1) return parts[0];
        return Xapian::Query(Xapian::Query::OP_AND, parts.begin(), parts.end());
    }
    std::vector<Xapian::Query> z;
    z.reserve(w.size());
    for (const auto &x : w) z.push_back(word_query(x, stem));
    if (q.op == "term") return z[0];
    if (q.op == "not") return Xapian::Query(Xapian::Query::OP_AND_NOT, z[0], z[1]);
    if (q.op == "and") return Xapian::Query(Xapian::Query::OP_AND, z.begin(), z.end());
    return Xapian::Query(Xapian::Query::OP_OR, z.begin(), z.end());  // or, long
}

int parse_int(const char *s, const char *what, long min) {
    char *end;
    errno = 0;
    long v = std::strtol(s, &end, 10);
    if (errno || *end || end == s || v < min || v > 1000000000L)
        throw bench_error(std::string("bad ") + what + " '" + s + "' (an integer >= " +
                          std::to_string(min) + ")");
    return (int)v;
}

// What one hit costs a search page: its text (the document data), a
// snippet with the query's terms marked, and the printed record. The
// bytes go to an in-memory buffer, so no I/O is timed.
void print_hit(std::string &out, const Xapian::MSet &top, const Xapian::MSetIterator &it,
               const Xapian::Stem &stem) {
    const std::string text = it.get_document().get_data();
    const std::string snip = top.snippet(text, 320, stem,
                                         Xapian::MSet::SNIPPET_BACKGROUND_MODEL |
                                             Xapian::MSet::SNIPPET_EXHAUSTIVE,
                                         "[[", "]]", "...");
    char head[64];
    std::snprintf(head, sizeof head, "%u. [%.3f] ", (unsigned)(*it - 1), it.get_weight());
    out += head;
    out += snip;
    out += '\n';
    out += text;
    out += '\n';
}

int do_query(const char *dbpath, const char *qpath, int k, int repeat, bool snippets) {
    struct stat st;
    if (stat(dbpath, &st) != 0)
        throw bench_error(std::string("cannot open ") + dbpath + ": " + std::strerror(errno));
    Xapian::Database db(dbpath);
    Xapian::Enquire enquire(db);
    enquire.set_weighting_scheme(Xapian::BM25Weight(1.2, 0, 1, 0.75, 0.5));
    const Xapian::Stem stem("english");
    const Xapian::doccount ndocs = db.get_doccount();

    std::vector<query_spec> qs = load_queries(qpath);
    std::vector<Xapian::docid> ids;
    std::vector<double> scores;
    std::string out;
    ids.reserve((size_t)k);
    scores.reserve((size_t)k);

    // pass -1 is the untimed warm-up over every query
    for (int pass = -1; pass < repeat; pass++) {
        for (size_t i = 0; i < qs.size(); i++) {
            ids.clear();
            scores.clear();
            out.clear();
            double t0 = mono_seconds();
            enquire.set_query(make_query(qs[i], stem));
            Xapian::MSet top = enquire.get_mset(0, (Xapian::doccount)k);
            for (Xapian::MSetIterator it = top.begin(); it != top.end(); ++it) {
                ids.push_back(*it - 1);
                scores.push_back(it.get_weight());
                if (snippets) print_hit(out, top, it, stem);
            }
            double us = (mono_seconds() - t0) * 1e6;
            if (pass < 0) continue;

            // The count is the ids mode's business (the runner compares
            // engines with it); a page run skips it, as it is untimed.
            long long total = -1;
            if (!snippets) {
                Xapian::MSet all = enquire.get_mset(0, 0, ndocs);
                if (all.get_matches_lower_bound() != all.get_matches_upper_bound())
                    throw bench_error("query " + std::to_string(i) + ": match count not exact");
                total = all.get_matches_estimated();
            }
            std::printf("{\"i\":%zu,\"class\":\"%s\",\"us\":%.3f,\"hits\":%lld,"
                        "\"out_bytes\":%zu,\"top\":[",
                        i, qs[i].cls.c_str(), us, total, out.size());
            for (size_t h = 0; h < ids.size(); h++)
                std::printf(h ? ",%u" : "%u", (unsigned)ids[h]);
            std::fputs("]}\n", stdout);
        }
    }
    if (std::fflush(stdout) != 0) throw bench_error("error writing output");
    return 0;
}

[[noreturn]] void usage() {
    std::fprintf(stderr, "usage: xapian_bench build DBPATH PARAS_FILE\n"
                         "       xapian_bench query DBPATH QUERIES_FILE K [REPEAT [MODE]]\n"
                         "MODE: ids (the default) or snippets\n");
    std::exit(2);
}

}  // namespace

int main(int argc, char **argv) {
    try {
        if (argc == 4 && !std::strcmp(argv[1], "build")) return do_build(argv[2], argv[3]);
        if (argc >= 5 && argc <= 7 && !std::strcmp(argv[1], "query")) {
            int k = parse_int(argv[4], "K", 0);
            int repeat = argc >= 6 ? parse_int(argv[5], "REPEAT", 1) : 1;
            const char *mode = argc == 7 ? argv[6] : "ids";
            if (std::strcmp(mode, "ids") && std::strcmp(mode, "snippets"))
                throw bench_error(std::string("bad MODE '") + mode + "' (ids or snippets)");
            return do_query(argv[2], argv[3], k, repeat, !std::strcmp(mode, "snippets"));
        }
        usage();
    } catch (const Xapian::Error &e) {
        std::fprintf(stderr, "xapian_bench: %s\n", e.get_description().c_str());
    } catch (const std::exception &e) {
        std::fprintf(stderr, "xapian_bench: %s\n", e.what());
    }
    return 2;
}
