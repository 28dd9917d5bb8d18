/* CRC32 (runtime-built table and static const 256-entry table), bitwise CRC, CRC32C, slicing-by-4, Adler-32. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint32_t crc_static_table[256] = {
    0x00000000u, 0x77073096u, 0xee0e612cu, 0x990951bau, 0x076dc419u, 0x706af48fu, 0xe963a535u, 0x9e6495a3u,
    0x0edb8832u, 0x79dcb8a4u, 0xe0d5e91eu, 0x97d2d988u, 0x09b64c2bu, 0x7eb17cbdu, 0xe7b82d07u, 0x90bf1d91u,
    0x1db71064u, 0x6ab020f2u, 0xf3b97148u, 0x84be41deu, 0x1adad47du, 0x6ddde4ebu, 0xf4d4b551u, 0x83d385c7u,
    0x136c9856u, 0x646ba8c0u, 0xfd62f97au, 0x8a65c9ecu, 0x14015c4fu, 0x63066cd9u, 0xfa0f3d63u, 0x8d080df5u,
    0x3b6e20c8u, 0x4c69105eu, 0xd56041e4u, 0xa2677172u, 0x3c03e4d1u, 0x4b04d447u, 0xd20d85fdu, 0xa50ab56bu,
    0x35b5a8fau, 0x42b2986cu, 0xdbbbc9d6u, 0xacbcf940u, 0x32d86ce3u, 0x45df5c75u, 0xdcd60dcfu, 0xabd13d59u,
    0x26d930acu, 0x51de003au, 0xc8d75180u, 0xbfd06116u, 0x21b4f4b5u, 0x56b3c423u, 0xcfba9599u, 0xb8bda50fu,
    0x2802b89eu, 0x5f058808u, 0xc60cd9b2u, 0xb10be924u, 0x2f6f7c87u, 0x58684c11u, 0xc1611dabu, 0xb6662d3du,
    0x76dc4190u, 0x01db7106u, 0x98d220bcu, 0xefd5102au, 0x71b18589u, 0x06b6b51fu, 0x9fbfe4a5u, 0xe8b8d433u,
    0x7807c9a2u, 0x0f00f934u, 0x9609a88eu, 0xe10e9818u, 0x7f6a0dbbu, 0x086d3d2du, 0x91646c97u, 0xe6635c01u,
    0x6b6b51f4u, 0x1c6c6162u, 0x856530d8u, 0xf262004eu, 0x6c0695edu, 0x1b01a57bu, 0x8208f4c1u, 0xf50fc457u,
    0x65b0d9c6u, 0x12b7e950u, 0x8bbeb8eau, 0xfcb9887cu, 0x62dd1ddfu, 0x15da2d49u, 0x8cd37cf3u, 0xfbd44c65u,
    0x4db26158u, 0x3ab551ceu, 0xa3bc0074u, 0xd4bb30e2u, 0x4adfa541u, 0x3dd895d7u, 0xa4d1c46du, 0xd3d6f4fbu,
    0x4369e96au, 0x346ed9fcu, 0xad678846u, 0xda60b8d0u, 0x44042d73u, 0x33031de5u, 0xaa0a4c5fu, 0xdd0d7cc9u,
    0x5005713cu, 0x270241aau, 0xbe0b1010u, 0xc90c2086u, 0x5768b525u, 0x206f85b3u, 0xb966d409u, 0xce61e49fu,
    0x5edef90eu, 0x29d9c998u, 0xb0d09822u, 0xc7d7a8b4u, 0x59b33d17u, 0x2eb40d81u, 0xb7bd5c3bu, 0xc0ba6cadu,
    0xedb88320u, 0x9abfb3b6u, 0x03b6e20cu, 0x74b1d29au, 0xead54739u, 0x9dd277afu, 0x04db2615u, 0x73dc1683u,
    0xe3630b12u, 0x94643b84u, 0x0d6d6a3eu, 0x7a6a5aa8u, 0xe40ecf0bu, 0x9309ff9du, 0x0a00ae27u, 0x7d079eb1u,
    0xf00f9344u, 0x8708a3d2u, 0x1e01f268u, 0x6906c2feu, 0xf762575du, 0x806567cbu, 0x196c3671u, 0x6e6b06e7u,
    0xfed41b76u, 0x89d32be0u, 0x10da7a5au, 0x67dd4accu, 0xf9b9df6fu, 0x8ebeeff9u, 0x17b7be43u, 0x60b08ed5u,
    0xd6d6a3e8u, 0xa1d1937eu, 0x38d8c2c4u, 0x4fdff252u, 0xd1bb67f1u, 0xa6bc5767u, 0x3fb506ddu, 0x48b2364bu,
    0xd80d2bdau, 0xaf0a1b4cu, 0x36034af6u, 0x41047a60u, 0xdf60efc3u, 0xa867df55u, 0x316e8eefu, 0x4669be79u,
    0xcb61b38cu, 0xbc66831au, 0x256fd2a0u, 0x5268e236u, 0xcc0c7795u, 0xbb0b4703u, 0x220216b9u, 0x5505262fu,
    0xc5ba3bbeu, 0xb2bd0b28u, 0x2bb45a92u, 0x5cb36a04u, 0xc2d7ffa7u, 0xb5d0cf31u, 0x2cd99e8bu, 0x5bdeae1du,
    0x9b64c2b0u, 0xec63f226u, 0x756aa39cu, 0x026d930au, 0x9c0906a9u, 0xeb0e363fu, 0x72076785u, 0x05005713u,
    0x95bf4a82u, 0xe2b87a14u, 0x7bb12baeu, 0x0cb61b38u, 0x92d28e9bu, 0xe5d5be0du, 0x7cdcefb7u, 0x0bdbdf21u,
    0x86d3d2d4u, 0xf1d4e242u, 0x68ddb3f8u, 0x1fda836eu, 0x81be16cdu, 0xf6b9265bu, 0x6fb077e1u, 0x18b74777u,
    0x88085ae6u, 0xff0f6a70u, 0x66063bcau, 0x11010b5cu, 0x8f659effu, 0xf862ae69u, 0x616bffd3u, 0x166ccf45u,
    0xa00ae278u, 0xd70dd2eeu, 0x4e048354u, 0x3903b3c2u, 0xa7672661u, 0xd06016f7u, 0x4969474du, 0x3e6e77dbu,
    0xaed16a4au, 0xd9d65adcu, 0x40df0b66u, 0x37d83bf0u, 0xa9bcae53u, 0xdebb9ec5u, 0x47b2cf7fu, 0x30b5ffe9u,
    0xbdbdf21cu, 0xcabac28au, 0x53b39330u, 0x24b4a3a6u, 0xbad03605u, 0xcdd70693u, 0x54de5729u, 0x23d967bfu,
    0xb3667a2eu, 0xc4614ab8u, 0x5d681b02u, 0x2a6f2b94u, 0xb40bbe37u, 0xc30c8ea1u, 0x5a05df1bu, 0x2d02ef8du,
};

static uint32_t crc_table[256];          /* built at runtime, must equal the static one */
static uint32_t crc_slice[4][256];       /* slicing-by-4 tables */
static uint32_t crc32c_table[256];       /* Castagnoli polynomial */

static void build_table(uint32_t *table, uint32_t poly)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1u) ? (poly ^ (c >> 1)) : (c >> 1);
        table[i] = c;
    }
}

static void build_slices(void)
{
    for (int i = 0; i < 256; i++)
        crc_slice[0][i] = crc_table[i];
    for (int i = 0; i < 256; i++) {
        uint32_t c = crc_slice[0][i];
        for (int s = 1; s < 4; s++) {
            c = crc_slice[0][c & 0xffu] ^ (c >> 8);
            crc_slice[s][i] = c;
        }
    }
}

static uint32_t crc32_bitwise(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return ~c;
}

static uint32_t crc32_with(const uint32_t *table, uint32_t crc, const unsigned char *p, size_t n)
{
    uint32_t c = ~crc;
    for (size_t i = 0; i < n; i++)
        c = table[(c ^ p[i]) & 0xffu] ^ (c >> 8);
    return ~c;
}

static uint32_t crc32_slice4(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    while (n >= 4) {
        c ^= (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
        c = crc_slice[3][c & 0xffu] ^ crc_slice[2][(c >> 8) & 0xffu] ^ crc_slice[1][(c >> 16) & 0xffu] ^
            crc_slice[0][c >> 24];
        p += 4;
        n -= 4;
    }
    while (n--)
        c = crc_slice[0][(c ^ *p++) & 0xffu] ^ (c >> 8);
    return ~c;
}

static uint32_t adler32(const unsigned char *p, size_t n)
{
    uint32_t a = 1, b = 0;
    const uint32_t MOD = 65521u;
    while (n > 0) {
        size_t chunk = n < 5552 ? n : 5552;
        n -= chunk;
        while (chunk--) {
            a += *p++;
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    return (b << 16) | a;
}

int main(void)
{
    build_table(crc_table, 0xedb88320u);
    build_table(crc32c_table, 0x82f63b78u);
    build_slices();
    int same = memcmp(crc_table, crc_static_table, sizeof crc_table) == 0;
    printf("runtime table matches static table: %s\n", same ? "yes" : "no");
    printf("crc_table[1]=%08x crc_table[128]=%08x crc_table[255]=%08x\n", (unsigned)crc_table[1],
           (unsigned)crc_table[128], (unsigned)crc_table[255]);

    const char *check = "123456789";
    size_t clen = strlen(check);
    const unsigned char *cp = (const unsigned char *)check;
    printf("crc32(\"123456789\")   = %08x (bitwise %08x, slice4 %08x)\n",
           (unsigned)crc32_with(crc_static_table, 0, cp, clen), (unsigned)crc32_bitwise(cp, clen),
           (unsigned)crc32_slice4(cp, clen));
    printf("crc32c(\"123456789\")  = %08x\n", (unsigned)crc32_with(crc32c_table, 0, cp, clen));
    printf("adler32(\"123456789\") = %08x\n", (unsigned)adler32(cp, clen));

    enum { SIZE = 1 << 16 };
    unsigned char *buf = malloc(SIZE);
    if (!buf)
        return 1;
    uint32_t x = 0x2545F491u;
    for (size_t i = 0; i < SIZE; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = (unsigned char)(x >> 11);
    }

    uint32_t checksum = 0;
    uint32_t acc_rt = 0, acc_st = 0, acc_s4 = 0, acc_c = 0, acc_a = 0, acc_bit = 0;
    for (int round = 0; round < 400; round++) {
        buf[round * 97 % SIZE] ^= (unsigned char)round;
        size_t len = SIZE - (size_t)round * 13;
        acc_rt ^= crc32_with(crc_table, (uint32_t)round, buf, len);
        acc_st ^= crc32_with(crc_static_table, (uint32_t)round, buf, len);
        acc_s4 = acc_s4 * 3u + crc32_slice4(buf + round, len - (size_t)round);
        acc_c += crc32_with(crc32c_table, 0, buf, len);
        acc_a ^= adler32(buf, len) + (uint32_t)round;
        if (round % 10 == 0)
            acc_bit ^= crc32_bitwise(buf, len);
    }
    printf("runtime %08x static %08x slice4 %08x crc32c %08x adler %08x bitwise %08x\n", (unsigned)acc_rt,
           (unsigned)acc_st, (unsigned)acc_s4, (unsigned)acc_c, (unsigned)acc_a, (unsigned)acc_bit);

    /* incremental CRC over chunks must equal one-shot CRC */
    uint32_t inc = 0;
    for (size_t off = 0; off < SIZE; off += 1000) {
        size_t n = SIZE - off < 1000 ? SIZE - off : 1000;
        inc = crc32_with(crc_table, inc, buf + off, n);
    }
    uint32_t whole = crc32_with(crc_table, 0, buf, SIZE);
    printf("incremental %08x whole %08x equal=%d\n", (unsigned)inc, (unsigned)whole, inc == whole);

    checksum = acc_rt ^ (acc_st << 1) ^ acc_s4 ^ (acc_c >> 1) ^ acc_a ^ acc_bit ^ inc ^ (uint32_t)same;
    free(buf);
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
