const hdr = "-----BEGIN OPENSSH PRIVATE KEY-----"
const ftr = "-----END OPENSSH PRIVATE KEY-----"
