// Secrets for tests. Use these rather than new literals, so a token made by one helper verifies in another;
// OLD_SECRET plays the rotated-out key and OTHER_SECRET a stranger's.

export const SECRET = 'test-secret-0123456789-abcdefghijklmnop'
export const OLD_SECRET = 'old-secret-0123456789-abcdefghijklmnopq'
export const OTHER_SECRET = 'other-secret-0123456789-abcdefghijklmno'
