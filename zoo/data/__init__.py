"""LightningDataModules. Batches are ``(x, label)`` with images float NCHW in [-1, 1]."""
from zoo.data.common import DataFileError, SplitDataModule, data_root
from zoo.data.images import (CIFAR10DataModule, DigitsDataModule, ImageFileDataset, ImageFolderDataModule,
                             MNISTDataModule)
from zoo.data.toy import MIXTURES, ToyMixtureDataModule, mixture_modes, sample_mixture

__all__ = ["CIFAR10DataModule", "DataFileError", "DigitsDataModule", "ImageFileDataset", "ImageFolderDataModule",
           "MIXTURES", "MNISTDataModule", "SplitDataModule", "ToyMixtureDataModule", "data_root", "mixture_modes",
           "sample_mixture"]
