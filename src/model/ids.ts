/** A fresh random id for a document entry (branch, file, job): a UUID, unique without coordination between peers. */
export const newId = (): string => crypto.randomUUID()
