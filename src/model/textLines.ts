/** A text's lines, each with its line break (the last may have none); none for the empty text. */
export const textLines = (text: string): string[] => (text === '' ? [] : text.split(/(?<=\n)/))
