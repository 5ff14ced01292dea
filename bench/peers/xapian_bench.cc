/*
 * xapian_bench - Xapian driver for the benchmark, with the same command
 * lines and output as bench/aj_bench (see bench/README.md).
 *
 *   xapian_bench build DB PARAS_TSV
 *   xapian_bench query DB QUERIES_TSV K [REPEAT]
 *
 * Configuration (fixed by the benchmark): Xapian 1.4, TermGenerator with
 * the English stemmer and its default strategy (unstemmed terms with
 * positions, stemmed terms with a "Z" prefix), one commit at the end
 * (XAPIAN_FLUSH_THRESHOLD raised so the build is not flushed every 10,000
 * documents), docid = paragraph id + 1.  Queries are built as Query
 * objects, the way QueryParser would build them: stemmed "Z" terms for
 * words, OP_PHRASE over the unstemmed terms, OP_WILDCARD for prefixes.
 * Weighting: BM25Weight(k1 1.2, k2 0, k3 1, b 0.75, min_normlen 0.5).
 */
#include <xapian.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

static double now() {
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

static int build(const char *path, const char *paras) {
    setenv("XAPIAN_FLUSH_THRESHOLD", "10000000", 1);
    std::ifstream in(paras);
    if (!in) {
        std::fprintf(stderr, "xapian_bench: cannot read %s\n", paras);
        return 2;
    }
    double t0 = now();
    Xapian::WritableDatabase db(path, Xapian::DB_CREATE);
    Xapian::TermGenerator tg;
    tg.set_stemmer(Xapian::Stem("english"));
    std::string line;
    long long rows = 0, bytes = 0;
    while (std::getline(in, line)) {
        size_t tab = line.find('\t');
        if (tab == std::string::npos) continue;
        Xapian::docid id = (Xapian::docid)std::strtoul(line.c_str(), nullptr, 10) + 1;
        Xapian::Document doc;
        tg.set_document(doc);
        tg.index_text(line.substr(tab + 1));
        db.replace_document(id, doc);
        rows++;
        bytes += (long long)(line.size() - tab - 1);
    }
    db.commit();
    db.close();
    double t = now() - t0;
    std::printf("{\"engine\":\"xapian\",\"seconds\":%.6f,\"paragraphs\":%lld,"
                "\"bytes_in\":%lld}\n",
                t, rows, bytes);
    return 0;
}

struct query {
    std::string cls;
    Xapian::Query q;
};

static Xapian::Query translate(const std::string &op, const std::vector<std::string> &w,
                               const Xapian::Stem &stem) {
    std::vector<Xapian::Query> z, raw;
    for (const auto &x : w) {
        z.emplace_back("Z" + stem(x));
        raw.emplace_back(x);
    }
    if (op == "phrase")
        return Xapian::Query(Xapian::Query::OP_PHRASE, raw.begin(), raw.end(),
                             (Xapian::termcount)raw.size());
    if (op == "or" || op == "long") return Xapian::Query(Xapian::Query::OP_OR, z.begin(), z.end());
    if (op == "not") return Xapian::Query(Xapian::Query::OP_AND_NOT, z[0], z[1]);
    if (op == "prefix") {
        Xapian::Query q(Xapian::Query::OP_WILDCARD, w[0]);
        for (size_t i = 1; i < z.size(); i++) q = Xapian::Query(Xapian::Query::OP_AND, q, z[i]);
        return q;
    }
    if (z.size() == 1) return z[0];
    return Xapian::Query(Xapian::Query::OP_AND, z.begin(), z.end());
}

static int run(const char *path, const char *qfile, int k, int repeat) {
    Xapian::Database db(path);
    Xapian::Enquire enq(db);
    enq.set_weighting_scheme(Xapian::BM25Weight(1.2, 0, 1, 0.75, 0.5));
    Xapian::Stem stem("english");
    std::ifstream in(qfile);
    std::vector<query> qs;
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::string cls, op, words;
        if (!std::getline(ls, cls, '\t') || !std::getline(ls, op, '\t') ||
            !std::getline(ls, words))
            continue;
        std::vector<std::string> w;
        std::istringstream ws(words);
        for (std::string x; ws >> x;) w.push_back(x);
        if (w.empty()) continue;
        qs.push_back({cls, translate(op, w, stem)});
    }
    Xapian::doccount all = db.get_doccount();
    for (int pass = -1; pass < repeat; pass++) {
        for (size_t i = 0; i < qs.size(); i++) {
            double t0 = now();
            enq.set_query(qs[i].q);
            Xapian::MSet m = enq.get_mset(0, (Xapian::doccount)k);
            std::vector<Xapian::docid> ids;
            for (auto it = m.begin(); it != m.end(); ++it) ids.push_back(*it - 1);
            double t = now() - t0;
            if (pass < 0) continue;
            Xapian::MSet c = enq.get_mset(0, 0, all);
            std::printf("{\"i\":%zu,\"class\":\"%s\",\"us\":%.3f,\"hits\":%u,\"top\":[", i,
                        qs[i].cls.c_str(), t * 1e6, (unsigned)c.get_matches_estimated());
            for (size_t h = 0; h < ids.size(); h++)
                std::printf("%s%u", h ? "," : "", (unsigned)ids[h]);
            std::printf("]}\n");
        }
    }
    return 0;
}

int main(int argc, char **argv) {
    try {
        if (argc == 4 && !std::strcmp(argv[1], "build")) return build(argv[2], argv[3]);
        if (argc >= 5 && !std::strcmp(argv[1], "query"))
            return run(argv[2], argv[3], std::atoi(argv[4]), argc > 5 ? std::atoi(argv[5]) : 1);
    } catch (const Xapian::Error &e) {
        std::fprintf(stderr, "xapian_bench: %s\n", e.get_description().c_str());
        return 2;
    }
    std::fprintf(stderr, "usage: xapian_bench build DB PARAS | xapian_bench query DB QUERIES K "
                         "[REPEAT]\n");
    return 2;
}
