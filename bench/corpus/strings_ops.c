/* Strings: strlen/strcmp/strncmp/strcpy/strcat/memcpy/memmove/memset/memcmp/strchr/strrchr/strstr/strspn, snprintf building, tokenizer, word reversal, RLE, atoi/strtol. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t ck = 2166136261u;
static void hash_bytes(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        ck ^= b[i];
        ck *= 16777619u;
    }
}
static void hash_str(const char *s) { hash_bytes(s, strlen(s)); }

static const char *const corpus_text =
    "The quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs. "
    "How vexingly quick daft zebras jump! Sphinx of black quartz, judge my vow. "
    "aaaaabbbbbbbcccddddddddddddeeeeeeeeeeeeeeeeeffg 1234 5678 -42 +17 0x1f 077 "
    "Jackdaws love my big sphinx of quartz, 9999 fox fox fox.";

/* reverse a string in place */
static void reverse_range(char *s, size_t i, size_t j)
{
    while (i < j) {
        char t = s[i];
        s[i] = s[j];
        s[j] = t;
        i++;
        j--;
    }
}

/* reverse the order of words: reverse whole string, then each word */
static void reverse_words(char *s)
{
    size_t n = strlen(s);
    if (n == 0)
        return;
    reverse_range(s, 0, n - 1);
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (s[i] == ' ' || s[i] == '\0') {
            if (i > start)
                reverse_range(s, start, i - 1);
            start = i + 1;
        }
    }
}

/* run-length encode: "aaab" -> "3:a1:b"; returns length */
static size_t rle_encode(const char *in, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; in[i];) {
        size_t j = i;
        while (in[j] == in[i] && j - i < 255)
            j++;
        int w = snprintf(out + o, cap - o, "%zu:%c", j - i, in[i]);
        if (w < 0 || (size_t)w >= cap - o)
            return 0;
        o += (size_t)w;
        i = j;
    }
    return o;
}

static size_t rle_decode(const char *in, char *out, size_t cap)
{
    size_t o = 0;
    while (*in) {
        char *end;
        long count = strtol(in, &end, 10);
        if (end == in || end[0] != ':' || !end[1] || count <= 0 || o + (size_t)count >= cap)
            return 0;
        memset(out + o, end[1], (size_t)count);
        o += (size_t)count;
        in = end + 2;
    }
    out[o] = '\0';
    return o;
}

/* tokenizer producing kinds: word, number, punctuation */
typedef enum { T_WORD, T_NUM, T_PUNCT, T_END } TokKind;
typedef struct {
    TokKind kind;
    char text[32];
    long value;
} Token;

static const char *next_token(const char *p, Token *t)
{
    p += strspn(p, " \t\n");
    if (!*p) {
        t->kind = T_END;
        t->text[0] = '\0';
        return p;
    }
    size_t n;
    if (strchr("+-", *p) && p[1] >= '0' && p[1] <= '9') {
        char *end;
        t->value = strtol(p, &end, 0);
        n = (size_t)(end - p);
        t->kind = T_NUM;
    } else if (*p >= '0' && *p <= '9') {
        char *end;
        t->value = strtol(p, &end, 0);
        n = (size_t)(end - p);
        t->kind = T_NUM;
    } else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) {
        n = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
        t->kind = T_WORD;
        t->value = 0;
    } else {
        n = 1;
        t->kind = T_PUNCT;
        t->value = *p;
    }
    size_t c = n < sizeof t->text - 1 ? n : sizeof t->text - 1;
    memcpy(t->text, p, c);
    t->text[c] = '\0';
    return p + n;
}

static void to_lower(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s - 'A' + 'a');
}

static size_t count_occurrences(const char *hay, const char *needle)
{
    size_t count = 0, nl = strlen(needle);
    for (const char *p = strstr(hay, needle); p; p = strstr(p + nl, needle))
        count++;
    return count;
}

int main(void)
{
    char buf[1024], tmp[1024], rle[2048], dec[1024];
    size_t n = strlen(corpus_text);
    printf("text length %zu\n", n);
    ck ^= (uint32_t)n;

    /* tokenizer statistics */
    Token t;
    int words = 0, nums = 0, puncts = 0;
    long numsum = 0;
    char longest[32] = "";
    for (const char *p = next_token(corpus_text, &t); t.kind != T_END; p = next_token(p, &t)) {
        switch (t.kind) {
        case T_WORD:
            words++;
            if (strlen(t.text) > strlen(longest) || (strlen(t.text) == strlen(longest) && strcmp(t.text, longest) < 0))
                strcpy(longest, t.text);
            break;
        case T_NUM: nums++; numsum += t.value; break;
        case T_PUNCT: puncts++; break;
        default: break;
        }
        hash_str(t.text);
    }
    printf("tokens: %d words, %d numbers (sum %ld), %d punctuation, longest word \"%s\"\n", words, nums, numsum, puncts,
           longest);

    /* word reversal */
    strcpy(buf, "one two three four five six seven");
    reverse_words(buf);
    printf("reversed words: %s\n", buf);
    hash_str(buf);

    /* RLE round trip */
    size_t rl = rle_encode(corpus_text, rle, sizeof rle);
    size_t dl = rle_decode(rle, dec, sizeof dec);
    printf("rle: %zu -> %zu chars, decode ok %d, prefix %.40s\n", n, rl, dl == n && strcmp(dec, corpus_text) == 0, rle);
    hash_bytes(rle, rl);

    /* searching */
    to_lower(strcpy(tmp, corpus_text));
    printf("occurrences: fox %zu, quick %zu, quartz %zu, 'o' first at %td last at %td\n", count_occurrences(tmp, "fox"),
           count_occurrences(tmp, "quick"), count_occurrences(tmp, "quartz"), strchr(tmp, 'o') - tmp,
           strrchr(tmp, 'o') - tmp);
    hash_str(tmp);
    printf("strcmp ordering: %d %d %d, strncmp %d, memcmp %d\n", strcmp("apple", "apricot") < 0, strcmp("b", "a") > 0,
           strcmp("same", "same") == 0, strncmp("prefix-one", "prefix-two", 7) == 0, memcmp("abc", "abd", 3) < 0);

    /* memmove with overlapping regions */
    strcpy(buf, "0123456789abcdefghij");
    memmove(buf + 5, buf, 10);
    printf("memmove right: %s\n", buf);
    hash_str(buf);
    strcpy(buf, "0123456789abcdefghij");
    memmove(buf, buf + 7, 10);
    printf("memmove left:  %s\n", buf);
    hash_str(buf);

    /* heavy loop: build strings with snprintf, sort of a word frequency count, transformations */
    uint32_t rng = 99u;
    size_t total_len = 0;
    uint32_t acc = 0;
    for (int rep = 0; rep < 80000; rep++) {
        rng = rng * 1664525u + 1013904223u;
        int len = snprintf(buf, sizeof buf, "rec-%05u|%s|%d|%x|%c%c", rng % 100000u, (rng & 1u) ? "odd" : "even",
                           (int)(rng >> 20) - 2048, rng >> 8, 'A' + (int)(rng % 26u), 'a' + (int)((rng >> 5) % 26u));
        total_len += (size_t)len;
        /* split on '|' manually with strchr */
        char *fields[6];
        int nf = 0;
        char *p = buf;
        fields[nf++] = p;
        while ((p = strchr(p, '|')) != NULL && nf < 6) {
            *p++ = '\0';
            fields[nf++] = p;
        }
        int num = atoi(fields[2]);
        unsigned long hx = strtoul(fields[3], NULL, 16);
        acc += (uint32_t)num * 7u + (uint32_t)hx + (uint32_t)strlen(fields[0]) + (uint32_t)nf;
        if (strcmp(fields[1], "odd") == 0)
            acc ^= (uint32_t)(unsigned char)fields[4][0];
        /* concatenate back in reverse field order */
        tmp[0] = '\0';
        for (int f = nf - 1; f >= 0; f--) {
            strcat(tmp, fields[f]);
            if (f)
                strcat(tmp, ",");
        }
        reverse_words(tmp);
        rle_encode(tmp, rle, sizeof rle);
        hash_str(rle);
        memset(buf, 0, 64);
    }
    printf("built %zu chars, acc %08x, last record %s\n", total_len, (unsigned)acc, tmp);
    hash_bytes(&acc, sizeof acc);

    /* large memcpy/memset/memcmp workload */
    static unsigned char big1[1 << 16], big2[1 << 16];
    uint32_t diff_total = 0;
    for (int rep = 0; rep < 300; rep++) {
        memset(big1, rep & 0xff, sizeof big1);
        for (size_t i = (size_t)rep; i < sizeof big1; i += 251)
            big1[i] = (unsigned char)(i * 7u);
        memcpy(big2, big1, sizeof big2);
        big2[(rep * 997) % (int)sizeof big2] ^= 1u;
        memmove(big2 + 1, big2, sizeof big2 - 1);
        diff_total += (uint32_t)(memcmp(big1, big2, sizeof big1) > 0) + big2[rep];
    }
    printf("memory ops: diff total %u\n", (unsigned)diff_total);
    hash_bytes(&diff_total, sizeof diff_total);
    printf("checksum: 0x%08x\n", (unsigned)ck);
    return 0;
}
