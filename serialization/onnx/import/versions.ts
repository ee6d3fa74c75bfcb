/** The oldest and newest default-domain opsets the operator tables are written and tested for. */
export const MIN_OPSET = 7;
export const MAX_OPSET = 25;
