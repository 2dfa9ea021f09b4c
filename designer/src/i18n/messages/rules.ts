/** Labels of the rules area. */
export const en = {
}

export const zhCN: Record<keyof typeof en, string> = {
}
