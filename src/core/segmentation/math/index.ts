/**
 * The segmentation's mathematics, free of any framework or storage: features, standardisation,
 * k-means++ with restarts (ml-kmeans), silhouette, PCA, naming and the adjusted Rand index.
 */
export * from './adjusted-rand-index.js';
export * from './choose-k.js';
export * from './distance.js';
export * from './features.js';
export * from './kmeans.js';
export * from './model.js';
export * from './naming.js';
export * from './pca.js';
export * from './random.js';
export * from './reservoir.js';
export * from './silhouette.js';
export * from './standardize.js';
