/** Labels of the editor area. */
export const en = {
}

export const zhCN: Record<keyof typeof en, string> = {
}
