// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the MMIO instruction decoder, kmod/decode.c.
 *
 * The bytes of each instruction are what `as --64` or `as --32` (with
 * .code16 for 16-bit mode) assembled from the line in its comment, and its
 * length is what `objdump -d` printed.  Byte sequences no assembler emits
 * (REX before a legacy prefix, redundant prefixes) were checked with
 * `objdump -D -b binary -mi386:x86-64`.
 */
#include "kselftest_harness.h"
#include "decode.h"

#define STORE(sz, r)	.is_write = true, .size = (sz), .dst_size = (sz), .reg = (r)
#define LOAD(sz, r)	.size = (sz), .dst_size = (sz), .reg = (r)
#define IMM(sz, v)	STORE(sz, 0), .has_imm = true, .imm = (v)

/* An instruction that decodes to @want, and is @want.len bytes long. */
FIXTURE(insn) {
};

FIXTURE_VARIANT(insn) {
	unsigned int mode;
	u8 code[TV_INSN_MAX_LEN];
	struct tv_insn want;
};

FIXTURE_SETUP(insn)
{
}

FIXTURE_TEARDOWN(insn)
{
}

/* --- 64-bit mode: MOV 88/89/8A/8B ------------------------------------- */

/* mov %eax,(%rbx) */
FIXTURE_VARIANT_ADD(insn, m64_mov_store32) {
	.mode = 64, .code = { 0x89, 0x03 },
	.want = { .len = 2, STORE(4, TV_RAX) },
};

/* mov %r9,0x10(%rsi) */
FIXTURE_VARIANT_ADD(insn, m64_mov_store64_rex_disp8) {
	.mode = 64, .code = { 0x4c, 0x89, 0x4e, 0x10 },
	.want = { .len = 4, STORE(8, TV_R9) },
};

/* mov %dx,(%rdi) */
FIXTURE_VARIANT_ADD(insn, m64_mov_store16) {
	.mode = 64, .code = { 0x66, 0x89, 0x17 },
	.want = { .len = 3, STORE(2, TV_RDX) },
};

/* mov %cl,(%rax) */
FIXTURE_VARIANT_ADD(insn, m64_mov_store8) {
	.mode = 64, .code = { 0x88, 0x08 },
	.want = { .len = 2, STORE(1, TV_RCX) },
};

/* mov %ah,(%rbx) */
FIXTURE_VARIANT_ADD(insn, m64_mov_store_ah) {
	.mode = 64, .code = { 0x88, 0x23 },
	.want = { .len = 2, STORE(1, TV_RAX), .high_byte = true },
};

/* mov %bh,0x7f(%rdx) */
FIXTURE_VARIANT_ADD(insn, m64_mov_store_bh_disp8) {
	.mode = 64, .code = { 0x88, 0x7a, 0x7f },
	.want = { .len = 3, STORE(1, TV_RBX), .high_byte = true },
};

/* mov %sil,(%rbx): a REX, even 40h, makes 4..7 SPL..DIL */
FIXTURE_VARIANT_ADD(insn, m64_mov_store_sil) {
	.mode = 64, .code = { 0x40, 0x88, 0x33 },
	.want = { .len = 3, STORE(1, TV_RSI) },
};

/* mov (%rax),%r12b */
FIXTURE_VARIANT_ADD(insn, m64_mov_load_r12b) {
	.mode = 64, .code = { 0x44, 0x8a, 0x20 },
	.want = { .len = 3, LOAD(1, TV_R12) },
};

/* mov -0x80(%rsp),%ch: [rsp] needs a SIB */
FIXTURE_VARIANT_ADD(insn, m64_mov_load_ch_sib_disp8) {
	.mode = 64, .code = { 0x8a, 0x6c, 0x24, 0x80 },
	.want = { .len = 4, LOAD(1, TV_RCX), .high_byte = true },
};

/* mov 0x100(%rip),%eax */
FIXTURE_VARIANT_ADD(insn, m64_mov_load_rip_relative) {
	.mode = 64, .code = { 0x8b, 0x05, 0x00, 0x01, 0x00, 0x00 },
	.want = { .len = 6, LOAD(4, TV_RAX) },
};

/* mov 0x12345678(%rax,%rcx,4),%rdx */
FIXTURE_VARIANT_ADD(insn, m64_mov_load64_sib_disp32) {
	.mode = 64,
	.code = { 0x48, 0x8b, 0x94, 0x88, 0x78, 0x56, 0x34, 0x12 },
	.want = { .len = 8, LOAD(8, TV_RDX) },
};

/* mov 0x1000(,%rcx,8),%eax: SIB base 101 with mod 00 is disp32 */
FIXTURE_VARIANT_ADD(insn, m64_mov_load_sib_no_base) {
	.mode = 64, .code = { 0x8b, 0x04, 0xcd, 0x00, 0x10, 0x00, 0x00 },
	.want = { .len = 7, LOAD(4, TV_RAX) },
};

/* mov (%r13),%eax: like [rbp], [r13] takes a disp8 of 0 */
FIXTURE_VARIANT_ADD(insn, m64_mov_load_r13_base) {
	.mode = 64, .code = { 0x41, 0x8b, 0x45, 0x00 },
	.want = { .len = 4, LOAD(4, TV_RAX) },
};

/* mov (%r12),%eax: like [rsp], [r12] takes a SIB */
FIXTURE_VARIANT_ADD(insn, m64_mov_load_r12_base) {
	.mode = 64, .code = { 0x41, 0x8b, 0x04, 0x24 },
	.want = { .len = 4, LOAD(4, TV_RAX) },
};

/* mov (%rbp),%r15w */
FIXTURE_VARIANT_ADD(insn, m64_mov_load16_r15w) {
	.mode = 64, .code = { 0x66, 0x44, 0x8b, 0x7d, 0x00 },
	.want = { .len = 5, LOAD(2, TV_R15) },
};

/* --- 64-bit mode: MOV C6/C7 ------------------------------------------- */

/* movb $0xfe,(%rdx) */
FIXTURE_VARIANT_ADD(insn, m64_mov_imm8) {
	.mode = 64, .code = { 0xc6, 0x02, 0xfe },
	.want = { .len = 3, IMM(1, 0xfe) },
};

/* movw $0xbeef,(%rcx) */
FIXTURE_VARIANT_ADD(insn, m64_mov_imm16) {
	.mode = 64, .code = { 0x66, 0xc7, 0x01, 0xef, 0xbe },
	.want = { .len = 5, IMM(2, 0xbeef) },
};

/* movl $0x80000000,0x8(%rbx): no sign extension without REX.W */
FIXTURE_VARIANT_ADD(insn, m64_mov_imm32) {
	.mode = 64, .code = { 0xc7, 0x43, 0x08, 0x00, 0x00, 0x00, 0x80 },
	.want = { .len = 7, IMM(4, 0x80000000) },
};

/* movq $-2,(%rax) */
FIXTURE_VARIANT_ADD(insn, m64_mov_imm32_sign_extended) {
	.mode = 64, .code = { 0x48, 0xc7, 0x00, 0xfe, 0xff, 0xff, 0xff },
	.want = { .len = 7, IMM(8, 0xfffffffffffffffeULL) },
};

/* movq $0x7fffffff,(%r8) */
FIXTURE_VARIANT_ADD(insn, m64_mov_imm32_rexw_positive) {
	.mode = 64, .code = { 0x49, 0xc7, 0x00, 0xff, 0xff, 0xff, 0x7f },
	.want = { .len = 7, IMM(8, 0x7fffffff) },
};

/* movl $1,0x10(%rip): the displacement comes before the immediate */
FIXTURE_VARIANT_ADD(insn, m64_mov_imm32_rip_relative) {
	.mode = 64,
	.code = { 0xc7, 0x05, 0x10, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00 },
	.want = { .len = 10, IMM(4, 1) },
};

/* movw $0x8001,0x12345678(%rax,%rbx,2) */
FIXTURE_VARIANT_ADD(insn, m64_mov_imm16_sib_disp32) {
	.mode = 64,
	.code = { 0x66, 0xc7, 0x84, 0x58, 0x78, 0x56, 0x34, 0x12, 0x01, 0x80 },
	.want = { .len = 10, IMM(2, 0x8001) },
};

/* --- 64-bit mode: MOV A0..A3, moffs64 unless 67h ---------------------- */

/* movabs 0x1122334455667788,%eax */
FIXTURE_VARIANT_ADD(insn, m64_moffs_load32) {
	.mode = 64,
	.code = { 0xa1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 },
	.want = { .len = 9, LOAD(4, TV_RAX) },
};

/* movabs 0x1122334455667788,%ax */
FIXTURE_VARIANT_ADD(insn, m64_moffs_load16) {
	.mode = 64,
	.code = { 0x66, 0xa1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 },
	.want = { .len = 10, LOAD(2, TV_RAX) },
};

/* movabs %al,0x1122334455667788 */
FIXTURE_VARIANT_ADD(insn, m64_moffs_store8) {
	.mode = 64,
	.code = { 0xa2, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 },
	.want = { .len = 9, STORE(1, TV_RAX) },
};

/* movabs %rax,0x1122334455667788 */
FIXTURE_VARIANT_ADD(insn, m64_moffs_store64) {
	.mode = 64,
	.code = { 0x48, 0xa3, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 },
	.want = { .len = 10, STORE(8, TV_RAX) },
};

/* addr32 mov 0x12345678,%eax */
FIXTURE_VARIANT_ADD(insn, m64_moffs_addr32) {
	.mode = 64, .code = { 0x67, 0xa1, 0x78, 0x56, 0x34, 0x12 },
	.want = { .len = 6, LOAD(4, TV_RAX) },
};

/* --- 64-bit mode: MOVZX, MOVSX, MOVNTI -------------------------------- */

/* movzbl (%rsi),%eax */
FIXTURE_VARIANT_ADD(insn, m64_movzx_b_l) {
	.mode = 64, .code = { 0x0f, 0xb6, 0x06 },
	.want = { .len = 3, .size = 1, .dst_size = 4, .reg = TV_RAX },
};

/* movzbw (%rax),%si */
FIXTURE_VARIANT_ADD(insn, m64_movzx_b_w) {
	.mode = 64, .code = { 0x66, 0x0f, 0xb6, 0x30 },
	.want = { .len = 4, .size = 1, .dst_size = 2, .reg = TV_RSI },
};

/* movzbl (%rax),%edi: the register is wide, so 7 is EDI, not BH */
FIXTURE_VARIANT_ADD(insn, m64_movzx_b_l_edi) {
	.mode = 64, .code = { 0x0f, 0xb6, 0x38 },
	.want = { .len = 3, .size = 1, .dst_size = 4, .reg = TV_RDI },
};

/* movzwq (%rsi),%r8 */
FIXTURE_VARIANT_ADD(insn, m64_movzx_w_q) {
	.mode = 64, .code = { 0x4c, 0x0f, 0xb7, 0x06 },
	.want = { .len = 4, .size = 2, .dst_size = 8, .reg = TV_R8 },
};

/* movsbw (%rax),%cx */
FIXTURE_VARIANT_ADD(insn, m64_movsx_b_w) {
	.mode = 64, .code = { 0x66, 0x0f, 0xbe, 0x08 },
	.want = { .len = 4, .size = 1, .dst_size = 2, .reg = TV_RCX,
		  .sign_extend = true },
};

/* movsbq (%rax),%r11 */
FIXTURE_VARIANT_ADD(insn, m64_movsx_b_q) {
	.mode = 64, .code = { 0x4c, 0x0f, 0xbe, 0x18 },
	.want = { .len = 4, .size = 1, .dst_size = 8, .reg = TV_R11,
		  .sign_extend = true },
};

/* movswl 4(%rsp),%edi */
FIXTURE_VARIANT_ADD(insn, m64_movsx_w_l_sib) {
	.mode = 64, .code = { 0x0f, 0xbf, 0x7c, 0x24, 0x04 },
	.want = { .len = 5, .size = 2, .dst_size = 4, .reg = TV_RDI,
		  .sign_extend = true },
};

/* movnti %eax,(%rdi) */
FIXTURE_VARIANT_ADD(insn, m64_movnti32) {
	.mode = 64, .code = { 0x0f, 0xc3, 0x07 },
	.want = { .len = 3, STORE(4, TV_RAX) },
};

/* movnti %r10,(%rdi) */
FIXTURE_VARIANT_ADD(insn, m64_movnti64) {
	.mode = 64, .code = { 0x4c, 0x0f, 0xc3, 0x17 },
	.want = { .len = 4, STORE(8, TV_R10) },
};

/* --- 64-bit mode: prefixes -------------------------------------------- */

/* mov %eax,%fs:(%rbx) */
FIXTURE_VARIANT_ADD(insn, m64_fs) {
	.mode = 64, .code = { 0x64, 0x89, 0x03 },
	.want = { .len = 3, STORE(4, TV_RAX) },
};

/* mov %gs:0x10,%rax: SIB with no base and no index */
FIXTURE_VARIANT_ADD(insn, m64_gs_rexw_sib_abs) {
	.mode = 64,
	.code = { 0x65, 0x48, 0x8b, 0x04, 0x25, 0x10, 0x00, 0x00, 0x00 },
	.want = { .len = 9, LOAD(8, TV_RAX) },
};

/* mov %eax,(%ebx) */
FIXTURE_VARIANT_ADD(insn, m64_addr32) {
	.mode = 64, .code = { 0x67, 0x89, 0x03 },
	.want = { .len = 3, STORE(4, TV_RAX) },
};

/* es mov (%eax),%bl */
FIXTURE_VARIANT_ADD(insn, m64_es_addr32) {
	.mode = 64, .code = { 0x26, 0x67, 0x8a, 0x18 },
	.want = { .len = 4, LOAD(1, TV_RBX) },
};

/* data16 mov %rax,(%rbx): REX.W beats 66h */
FIXTURE_VARIANT_ADD(insn, m64_opsize_and_rexw) {
	.mode = 64, .code = { 0x66, 0x48, 0x89, 0x03 },
	.want = { .len = 4, STORE(8, TV_RAX) },
};

/* rex.W; mov %ax,(%rbx): a REX before a legacy prefix is ignored */
FIXTURE_VARIANT_ADD(insn, m64_rex_before_opsize_ignored) {
	.mode = 64, .code = { 0x48, 0x66, 0x89, 0x03 },
	.want = { .len = 4, STORE(2, TV_RAX) },
};

/* rex; es mov %ah,(%rbx): the ignored REX does not make it SPL */
FIXTURE_VARIANT_ADD(insn, m64_rex_before_segment_ignored) {
	.mode = 64, .code = { 0x40, 0x26, 0x88, 0x23 },
	.want = { .len = 4, STORE(1, TV_RAX), .high_byte = true },
};

/* rex.W; rex mov %eax,(%rbx): of two REX, the last counts */
FIXTURE_VARIANT_ADD(insn, m64_two_rex_last_counts) {
	.mode = 64, .code = { 0x48, 0x40, 0x89, 0x03 },
	.want = { .len = 4, STORE(4, TV_RAX) },
};

/* 13 x data16; mov %ax,(%rbx): exactly 15 bytes */
FIXTURE_VARIANT_ADD(insn, m64_fifteen_bytes) {
	.mode = 64,
	.code = { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
		  0x66, 0x66, 0x66, 0x66, 0x66, 0x89, 0x03 },
	.want = { .len = 15, STORE(2, TV_RAX) },
};

/* --- 32-bit mode ------------------------------------------------------ */

/* mov %eax,0x12345678 */
FIXTURE_VARIANT_ADD(insn, m32_moffs_store32) {
	.mode = 32, .code = { 0xa3, 0x78, 0x56, 0x34, 0x12 },
	.want = { .len = 5, STORE(4, TV_RAX) },
};

/* mov 0x12345678,%al */
FIXTURE_VARIANT_ADD(insn, m32_moffs_load8) {
	.mode = 32, .code = { 0xa0, 0x78, 0x56, 0x34, 0x12 },
	.want = { .len = 5, LOAD(1, TV_RAX) },
};

/* addr16 mov 0x1234,%eax */
FIXTURE_VARIANT_ADD(insn, m32_moffs_addr16) {
	.mode = 32, .code = { 0x67, 0xa1, 0x34, 0x12 },
	.want = { .len = 4, LOAD(4, TV_RAX) },
};

/* mov 0x10(%ebp),%ecx */
FIXTURE_VARIANT_ADD(insn, m32_mov_load_disp8) {
	.mode = 32, .code = { 0x8b, 0x4d, 0x10 },
	.want = { .len = 3, LOAD(4, TV_RCX) },
};

/* mov 0x1000,%ecx: rm 101 with mod 00 is an absolute disp32 */
FIXTURE_VARIANT_ADD(insn, m32_mov_load_abs) {
	.mode = 32, .code = { 0x8b, 0x0d, 0x00, 0x10, 0x00, 0x00 },
	.want = { .len = 6, LOAD(4, TV_RCX) },
};

/* mov %ax,(%ebx,%esi,8) */
FIXTURE_VARIANT_ADD(insn, m32_mov_store16_sib) {
	.mode = 32, .code = { 0x66, 0x89, 0x04, 0xf3 },
	.want = { .len = 4, STORE(2, TV_RAX) },
};

/* mov (%bp,%si),%ax */
FIXTURE_VARIANT_ADD(insn, m32_addr16) {
	.mode = 32, .code = { 0x67, 0x66, 0x8b, 0x02 },
	.want = { .len = 4, LOAD(2, TV_RAX) },
};

/* mov %dh,%ss:(%ecx) */
FIXTURE_VARIANT_ADD(insn, m32_ss_dh) {
	.mode = 32, .code = { 0x36, 0x88, 0x31 },
	.want = { .len = 3, STORE(1, TV_RDX), .high_byte = true },
};

/* movw $0x1234,(%eax) */
FIXTURE_VARIANT_ADD(insn, m32_mov_imm16) {
	.mode = 32, .code = { 0x66, 0xc7, 0x00, 0x34, 0x12 },
	.want = { .len = 5, IMM(2, 0x1234) },
};

/* movl $0xffffffff,0x11223344(%edi) */
FIXTURE_VARIANT_ADD(insn, m32_mov_imm32_disp32) {
	.mode = 32,
	.code = { 0xc7, 0x87, 0x44, 0x33, 0x22, 0x11, 0xff, 0xff, 0xff, 0xff },
	.want = { .len = 10, IMM(4, 0xffffffff) },
};

/* movsbl %cs:(%edx),%ebp */
FIXTURE_VARIANT_ADD(insn, m32_cs_movsx_b_l) {
	.mode = 32, .code = { 0x2e, 0x0f, 0xbe, 0x2a },
	.want = { .len = 4, .size = 1, .dst_size = 4, .reg = TV_RBP,
		  .sign_extend = true },
};

/* movnti %ecx,0x20(%esp) */
FIXTURE_VARIANT_ADD(insn, m32_movnti_sib) {
	.mode = 32, .code = { 0x0f, 0xc3, 0x4c, 0x24, 0x20 },
	.want = { .len = 5, STORE(4, TV_RCX) },
};

/* --- 16-bit mode ------------------------------------------------------ */

/* mov %al,(%bx) */
FIXTURE_VARIANT_ADD(insn, m16_mov_store8) {
	.mode = 16, .code = { 0x88, 0x07 },
	.want = { .len = 2, STORE(1, TV_RAX) },
};

/* mov %bl,0x7f(%bp,%di) */
FIXTURE_VARIANT_ADD(insn, m16_mov_store8_disp8) {
	.mode = 16, .code = { 0x88, 0x5b, 0x7f },
	.want = { .len = 3, STORE(1, TV_RBX) },
};

/* mov (%bp),%ax: [bp] takes a disp8 of 0 */
FIXTURE_VARIANT_ADD(insn, m16_mov_load_bp) {
	.mode = 16, .code = { 0x8b, 0x46, 0x00 },
	.want = { .len = 3, LOAD(2, TV_RAX) },
};

/* mov 0x1234,%dx: mod 00 rm 110 is [disp16] */
FIXTURE_VARIANT_ADD(insn, m16_mov_load_abs) {
	.mode = 16, .code = { 0x8b, 0x16, 0x34, 0x12 },
	.want = { .len = 4, LOAD(2, TV_RDX) },
};

/* mov 0x1234(%bx,%si),%ax */
FIXTURE_VARIANT_ADD(insn, m16_mov_load_disp16) {
	.mode = 16, .code = { 0x8b, 0x80, 0x34, 0x12 },
	.want = { .len = 4, LOAD(2, TV_RAX) },
};

/* mov %eax,%es:(%bx) */
FIXTURE_VARIANT_ADD(insn, m16_es_opsize) {
	.mode = 16, .code = { 0x26, 0x66, 0x89, 0x07 },
	.want = { .len = 4, STORE(4, TV_RAX) },
};

/* mov %eax,(%ebx,%ecx,2) */
FIXTURE_VARIANT_ADD(insn, m16_addr32_sib) {
	.mode = 16, .code = { 0x67, 0x66, 0x89, 0x04, 0x4b },
	.want = { .len = 5, STORE(4, TV_RAX) },
};

/* movb $0x80,-1(%si) */
FIXTURE_VARIANT_ADD(insn, m16_mov_imm8) {
	.mode = 16, .code = { 0xc6, 0x44, 0xff, 0x80 },
	.want = { .len = 4, IMM(1, 0x80) },
};

/* movw $0x1234,(%bx) */
FIXTURE_VARIANT_ADD(insn, m16_mov_imm16) {
	.mode = 16, .code = { 0xc7, 0x07, 0x34, 0x12 },
	.want = { .len = 4, IMM(2, 0x1234) },
};

/* movl $0x12345678,2(%bp,%di) */
FIXTURE_VARIANT_ADD(insn, m16_mov_imm32) {
	.mode = 16,
	.code = { 0x66, 0xc7, 0x43, 0x02, 0x78, 0x56, 0x34, 0x12 },
	.want = { .len = 8, IMM(4, 0x12345678) },
};

/* mov 0x1234,%al */
FIXTURE_VARIANT_ADD(insn, m16_moffs_load8) {
	.mode = 16, .code = { 0xa0, 0x34, 0x12 },
	.want = { .len = 3, LOAD(1, TV_RAX) },
};

/* mov %ax,0x1234 */
FIXTURE_VARIANT_ADD(insn, m16_moffs_store16) {
	.mode = 16, .code = { 0xa3, 0x34, 0x12 },
	.want = { .len = 3, STORE(2, TV_RAX) },
};

/* addr32 mov 0x12345678,%eax */
FIXTURE_VARIANT_ADD(insn, m16_moffs_addr32) {
	.mode = 16, .code = { 0x67, 0x66, 0xa1, 0x78, 0x56, 0x34, 0x12 },
	.want = { .len = 7, LOAD(4, TV_RAX) },
};

/* movzbl (%bx,%si),%eax */
FIXTURE_VARIANT_ADD(insn, m16_movzx_b_l) {
	.mode = 16, .code = { 0x66, 0x0f, 0xb6, 0x00 },
	.want = { .len = 4, .size = 1, .dst_size = 4, .reg = TV_RAX },
};

/* movswl 0x10(%di),%ecx */
FIXTURE_VARIANT_ADD(insn, m16_movsx_w_l) {
	.mode = 16, .code = { 0x66, 0x0f, 0xbf, 0x4d, 0x10 },
	.want = { .len = 5, .size = 2, .dst_size = 4, .reg = TV_RCX,
		  .sign_extend = true },
};

/* movnti %eax,(%bx): 32 bits with no 66h, even in 16-bit mode */
FIXTURE_VARIANT_ADD(insn, m16_movnti) {
	.mode = 16, .code = { 0x0f, 0xc3, 0x07 },
	.want = { .len = 3, STORE(4, TV_RAX) },
};

/*
 * Decode the whole instruction, then with junk after it; every shorter
 * fetch must ask for more bytes.
 */
TEST_F(insn, decode)
{
	const struct tv_insn *want = &variant->want;
	u8 buf[32];
	struct tv_insn got;
	unsigned int i, n;

	for (n = 0; n < want->len; n++)
		EXPECT_EQ(-EAGAIN, tv_decode_mmio(variant->code, n,
						  variant->mode, &got)) {
			TH_LOG("fetched %u bytes", n);
		}

	memset(buf, 0x0f, sizeof(buf));
	memcpy(buf, variant->code, want->len);
	for (i = 0; i < 2; i++) {
		n = i ? sizeof(buf) : want->len;
		ASSERT_EQ(0, tv_decode_mmio(buf, n, variant->mode, &got));
		EXPECT_EQ(want->len, got.len);
		EXPECT_EQ(want->is_write, got.is_write);
		EXPECT_EQ(want->size, got.size);
		EXPECT_EQ(want->reg, got.reg);
		EXPECT_EQ(want->high_byte, got.high_byte);
		EXPECT_EQ(want->has_imm, got.has_imm);
		EXPECT_EQ(want->imm, got.imm);
		EXPECT_EQ(want->dst_size, got.dst_size);
		EXPECT_EQ(want->sign_extend, got.sign_extend);
	}
}

/* Bytes that must not decode: @err for the first @n of @code. */
FIXTURE(bad) {
};

FIXTURE_VARIANT(bad) {
	unsigned int mode;
	u8 code[20];
	unsigned int n;
	int err;
};

FIXTURE_SETUP(bad)
{
}

FIXTURE_TEARDOWN(bad)
{
}

/* mov %eax,%ebx: a register operand touches no memory */
FIXTURE_VARIANT_ADD(bad, m64_mov_register) {
	.mode = 64, .code = { 0x89, 0xc3 }, .n = 2, .err = -EINVAL,
};

/* mov $1,%eax in its C7 /0 form (gas picks B8) */
FIXTURE_VARIANT_ADD(bad, m64_mov_imm_register) {
	.mode = 64, .code = { 0xc7, 0xc0, 0x01, 0x00, 0x00, 0x00 }, .n = 6,
	.err = -EINVAL,
};

/* movzbl %al,%eax */
FIXTURE_VARIANT_ADD(bad, m64_movzx_register) {
	.mode = 64, .code = { 0x0f, 0xb6, 0xc0 }, .n = 3, .err = -EINVAL,
};

/* movnti to a register is #UD */
FIXTURE_VARIANT_ADD(bad, m64_movnti_register) {
	.mode = 64, .code = { 0x0f, 0xc3, 0xc0 }, .n = 3, .err = -EINVAL,
};

/* add %eax,(%rbx) */
FIXTURE_VARIANT_ADD(bad, m64_add) {
	.mode = 64, .code = { 0x01, 0x03 }, .n = 2, .err = -EINVAL,
};

/* mov %ds,(%rax) */
FIXTURE_VARIANT_ADD(bad, m64_mov_sreg) {
	.mode = 64, .code = { 0x8c, 0x18 }, .n = 2, .err = -EINVAL,
};

/* movslq (%rbx),%rax */
FIXTURE_VARIANT_ADD(bad, m64_movsxd) {
	.mode = 64, .code = { 0x48, 0x63, 0x03 }, .n = 3, .err = -EINVAL,
};

/* pshufb (%rbx),%mm0: the 0F 38 map */
FIXTURE_VARIANT_ADD(bad, m64_0f38) {
	.mode = 64, .code = { 0x0f, 0x38, 0x00, 0x03 }, .n = 4, .err = -EINVAL,
};

/* C7 /1 is undefined */
FIXTURE_VARIANT_ADD(bad, m64_c7_slash1) {
	.mode = 64, .code = { 0xc7, 0x08, 0x00, 0x00, 0x00, 0x00 }, .n = 6,
	.err = -EINVAL,
};

/* xabort $1 */
FIXTURE_VARIANT_ADD(bad, m64_xabort) {
	.mode = 64, .code = { 0xc6, 0xf8, 0x01 }, .n = 3, .err = -EINVAL,
};

/* lock mov %eax,(%rbx): #UD on the CPU, so the guest never faults on it */
FIXTURE_VARIANT_ADD(bad, m64_lock) {
	.mode = 64, .code = { 0xf0, 0x89, 0x03 }, .n = 3, .err = -EINVAL,
};

/* xrelease mov %eax,(%rbx) */
FIXTURE_VARIANT_ADD(bad, m64_xrelease) {
	.mode = 64, .code = { 0xf3, 0x89, 0x03 }, .n = 3, .err = -EINVAL,
};

/* 66 0F C3 is undefined (objdump: bad) */
FIXTURE_VARIANT_ADD(bad, m64_movnti_opsize) {
	.mode = 64, .code = { 0x66, 0x0f, 0xc3, 0x03 }, .n = 4, .err = -EINVAL,
};

/* dec %eax; mov %eax,(%ebx): no REX outside 64-bit mode */
FIXTURE_VARIANT_ADD(bad, m32_rex_is_dec) {
	.mode = 32, .code = { 0x48, 0x89, 0x03 }, .n = 3, .err = -EINVAL,
};

/* inc %ax; mov %al,(%bx) */
FIXTURE_VARIANT_ADD(bad, m16_rex_is_inc) {
	.mode = 16, .code = { 0x40, 0x88, 0x07 }, .n = 3, .err = -EINVAL,
};

/* 14 x data16; mov %ax,(%rbx): 16 bytes */
FIXTURE_VARIANT_ADD(bad, m64_sixteen_bytes) {
	.mode = 64,
	.code = { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
		  0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x89, 0x03 },
	.n = 16, .err = -EINVAL,
};

/* ... the same, fetched up to 10 bytes: too early to tell */
FIXTURE_VARIANT_ADD(bad, m64_sixteen_bytes_short) {
	.mode = 64,
	.code = { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
		  0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x89, 0x03 },
	.n = 10, .err = -EAGAIN,
};

/* 11 x cs; movl $0,(%rax): the immediate ends past byte 15 */
FIXTURE_VARIANT_ADD(bad, m64_imm_past_fifteen) {
	.mode = 64,
	.code = { 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e,
		  0x2e, 0x2e, 0x2e, 0xc7, 0x00, 0x00, 0x00, 0x00, 0x00 },
	.n = 17, .err = -EINVAL,
};

/* Nothing fetched */
FIXTURE_VARIANT_ADD(bad, m64_empty) {
	.mode = 64, .n = 0, .err = -EAGAIN,
};

/* mov 0x1000(,%rcx,8),%eax, cut in the displacement */
FIXTURE_VARIANT_ADD(bad, m64_short_disp) {
	.mode = 64, .code = { 0x8b, 0x04, 0xcd, 0x00, 0x10 }, .n = 5,
	.err = -EAGAIN,
};

/* A mode that is not 16, 32 or 64 */
FIXTURE_VARIANT_ADD(bad, mode_8) {
	.mode = 8, .code = { 0x89, 0x03 }, .n = 2, .err = -EINVAL,
};

TEST_F(bad, decode)
{
	struct tv_insn got;

	memset(&got, 0xff, sizeof(got));
	EXPECT_EQ(variant->err, tv_decode_mmio(variant->code, variant->n,
					       variant->mode, &got));
	EXPECT_EQ(0, got.len);
}

/* The register after a load of @mem into a register holding @old. */
FIXTURE(load) {
};

FIXTURE_VARIANT(load) {
	unsigned int mode;
	u8 code[TV_INSN_MAX_LEN];
	u64 old;
	u64 mem;
	u64 want;
};

FIXTURE_SETUP(load)
{
}

FIXTURE_TEARDOWN(load)
{
}

#define OLD 0x1122334455667788ULL

/* mov (%rax),%cl: bits 63:8 stay; bits of @mem above 8 are not read */
FIXTURE_VARIANT_ADD(load, r8) {
	.mode = 64, .code = { 0x8a, 0x08 },
	.old = OLD, .mem = 0xffffffaa, .want = 0x11223344556677aaULL,
};

/* mov (%rax),%ah: only bits 15:8 change */
FIXTURE_VARIANT_ADD(load, ah) {
	.mode = 64, .code = { 0x8a, 0x20 },
	.old = OLD, .mem = 0xaa, .want = 0x112233445566aa88ULL,
};

/* rex mov (%rax),%spl: with a REX, 4 is SPL */
FIXTURE_VARIANT_ADD(load, spl) {
	.mode = 64, .code = { 0x40, 0x8a, 0x20 },
	.old = OLD, .mem = 0xaa, .want = 0x11223344556677aaULL,
};

/* mov (%rax),%cx */
FIXTURE_VARIANT_ADD(load, r16) {
	.mode = 64, .code = { 0x66, 0x8b, 0x08 },
	.old = OLD, .mem = 0xaabb, .want = 0x112233445566aabbULL,
};

/* mov (%rax),%ecx: bits 63:32 are cleared */
FIXTURE_VARIANT_ADD(load, r32) {
	.mode = 64, .code = { 0x8b, 0x08 },
	.old = OLD, .mem = 0xaabbccdd, .want = 0xaabbccdd,
};

/* mov (%eax),%ecx in 32-bit mode, the same */
FIXTURE_VARIANT_ADD(load, r32_mode32) {
	.mode = 32, .code = { 0x8b, 0x08 },
	.old = OLD, .mem = 0xaabbccdd, .want = 0xaabbccdd,
};

/* mov (%rax),%rcx */
FIXTURE_VARIANT_ADD(load, r64) {
	.mode = 64, .code = { 0x48, 0x8b, 0x08 },
	.old = OLD, .mem = 0x8877665544332211ULL, .want = 0x8877665544332211ULL,
};

/* movabs 0x1122334455667788,%al */
FIXTURE_VARIANT_ADD(load, moffs_al) {
	.mode = 64,
	.code = { 0xa0, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 },
	.old = OLD, .mem = 0x01, .want = 0x1122334455667701ULL,
};

/* movzbl (%rax),%ecx */
FIXTURE_VARIANT_ADD(load, movzx_b_l) {
	.mode = 64, .code = { 0x0f, 0xb6, 0x08 },
	.old = OLD, .mem = 0xff80, .want = 0x80,
};

/* movzbw (%rax),%cx: a 16-bit write keeps bits 63:16 */
FIXTURE_VARIANT_ADD(load, movzx_b_w) {
	.mode = 64, .code = { 0x66, 0x0f, 0xb6, 0x08 },
	.old = OLD, .mem = 0x80, .want = 0x1122334455660080ULL,
};

/* movzwq (%rax),%rcx */
FIXTURE_VARIANT_ADD(load, movzx_w_q) {
	.mode = 64, .code = { 0x48, 0x0f, 0xb7, 0x08 },
	.old = OLD, .mem = 0xffff8000, .want = 0x8000,
};

/* movsbw (%rax),%cx */
FIXTURE_VARIANT_ADD(load, movsx_b_w) {
	.mode = 64, .code = { 0x66, 0x0f, 0xbe, 0x08 },
	.old = OLD, .mem = 0x80, .want = 0x112233445566ff80ULL,
};

/* movsbl (%rax),%ecx */
FIXTURE_VARIANT_ADD(load, movsx_b_l) {
	.mode = 64, .code = { 0x0f, 0xbe, 0x08 },
	.old = OLD, .mem = 0x80, .want = 0xffffff80,
};

/* movsbl (%rax),%ecx of a positive byte */
FIXTURE_VARIANT_ADD(load, movsx_b_l_positive) {
	.mode = 64, .code = { 0x0f, 0xbe, 0x08 },
	.old = OLD, .mem = 0xff7f, .want = 0x7f,
};

/* movswq (%rax),%rcx */
FIXTURE_VARIANT_ADD(load, movsx_w_q) {
	.mode = 64, .code = { 0x48, 0x0f, 0xbf, 0x08 },
	.old = OLD, .mem = 0x8000, .want = 0xffffffffffff8000ULL,
};

TEST_F(load, result)
{
	struct tv_insn in;

	ASSERT_EQ(0, tv_decode_mmio(variant->code, sizeof(variant->code),
				    variant->mode, &in));
	ASSERT_FALSE(in.is_write);
	EXPECT_EQ(variant->want,
		  tv_insn_load_result(&in, variant->old, variant->mem));
}

/* The value a store writes, from a register holding @reg. */
FIXTURE(store) {
};

FIXTURE_VARIANT(store) {
	unsigned int mode;
	u8 code[TV_INSN_MAX_LEN];
	u64 reg;
	u64 want;
};

FIXTURE_SETUP(store)
{
}

FIXTURE_TEARDOWN(store)
{
}

/* mov %cl,(%rax) */
FIXTURE_VARIANT_ADD(store, r8) {
	.mode = 64, .code = { 0x88, 0x08 }, .reg = OLD, .want = 0x88,
};

/* mov %ch,(%rax) */
FIXTURE_VARIANT_ADD(store, ch) {
	.mode = 64, .code = { 0x88, 0x28 }, .reg = OLD, .want = 0x77,
};

/* mov %cx,(%rax) */
FIXTURE_VARIANT_ADD(store, r16) {
	.mode = 64, .code = { 0x66, 0x89, 0x08 }, .reg = OLD, .want = 0x7788,
};

/* mov %ecx,(%rax) */
FIXTURE_VARIANT_ADD(store, r32) {
	.mode = 64, .code = { 0x89, 0x08 }, .reg = OLD, .want = 0x55667788,
};

/* mov %rcx,(%rax) */
FIXTURE_VARIANT_ADD(store, r64) {
	.mode = 64, .code = { 0x48, 0x89, 0x08 }, .reg = OLD, .want = OLD,
};

/* movq $-2,(%rax): the register does not matter */
FIXTURE_VARIANT_ADD(store, imm32_sign_extended) {
	.mode = 64, .code = { 0x48, 0xc7, 0x00, 0xfe, 0xff, 0xff, 0xff },
	.reg = OLD, .want = 0xfffffffffffffffeULL,
};

/* movw $0x8001,(%bx) */
FIXTURE_VARIANT_ADD(store, imm16) {
	.mode = 16, .code = { 0xc7, 0x07, 0x01, 0x80 },
	.reg = OLD, .want = 0x8001,
};

TEST_F(store, value)
{
	struct tv_insn in;

	ASSERT_EQ(0, tv_decode_mmio(variant->code, sizeof(variant->code),
				    variant->mode, &in));
	ASSERT_TRUE(in.is_write);
	EXPECT_EQ(variant->want, tv_insn_store_value(&in, variant->reg));
}

TEST_HARNESS_MAIN
